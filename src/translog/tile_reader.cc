// Format: docs/formats/log.md
#include "translog/tile_reader.h"

namespace vigil::translog {

std::size_t TileReader::WidthOf(unsigned level, std::uint64_t index) const {
  std::uint64_t edge = EdgeTileIndex(size_, level);
  if (index < edge) return kTileWidth;
  if (index == edge) return PartialWidth(size_, level);
  return 0;
}

Result<Bytes> TileReader::FetchWithFallback(const std::string& full_path, std::size_t width) {
  if (width < kTileWidth) {
    std::string partial = full_path + ".p/" + std::to_string(width);
    VIGIL_ASSIGN_OR_RETURN(std::optional<Bytes> bytes, fetch_(partial));
    if (bytes) return std::move(*bytes);
  }
  VIGIL_ASSIGN_OR_RETURN(std::optional<Bytes> full, fetch_(full_path));
  if (!full) {
    return MakeError(Errc::kNotFound,
                     (width < kTileWidth ? full_path + ".p/" + std::to_string(width) : full_path) +
                         " is missing");
  }
  return std::move(*full);
}

Result<std::vector<Hash>> TileReader::Tile(unsigned level, std::uint64_t index) {
  auto key = std::make_pair(level, index);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::size_t width = WidthOf(level, index);
  if (width == 0) return MakeError(Errc::kInvalidArgument, "tile outside the tree");
  std::string full_path = TilePath(level, index, kTileWidth);
  VIGIL_ASSIGN_OR_RETURN(Bytes bytes, FetchWithFallback(full_path, width));
  auto hashes = DecodeHashes(bytes);
  if (!hashes || hashes->size() < width)
    return MakeError(Errc::kMalformed, TilePath(level, index, width) + " has the wrong length");
  hashes->resize(width);
  if (cache_.size() > 4096) cache_.clear();  // bounded memory on huge logs
  return cache_[key] = std::move(*hashes);
}

Result<Hash> TileReader::NodeHash(unsigned level, std::uint64_t index) {
  // A node at tree level h is the root of 2^(h mod 8) consecutive hashes of tile level h / 8.
  const unsigned tile_level = level / 8, sub = level % 8;
  const std::uint64_t first = index << sub, count = std::uint64_t{1} << sub;
  VIGIL_ASSIGN_OR_RETURN(std::vector<Hash> tile, Tile(tile_level, first / kTileWidth));
  const std::size_t offset = static_cast<std::size_t>(first % kTileWidth);
  if (offset + count > tile.size())
    return MakeError(Errc::kInvalidArgument, "node outside the tree");
  return PerfectRoot(std::span<const Hash>(tile).subspan(offset, count));
}

Result<std::vector<Bytes>> TileReader::Bundle(std::uint64_t index) {
  std::size_t width = WidthOf(0, index);
  if (width == 0) return MakeError(Errc::kInvalidArgument, "bundle outside the tree");
  std::string full_path = EntryBundlePath(index, kTileWidth);
  VIGIL_ASSIGN_OR_RETURN(Bytes bytes, FetchWithFallback(full_path, width));
  // A full bundle standing in for a missing partial one holds more entries: parse all.
  auto entries = ParseBundle(bytes, width);
  if (!entries && width < kTileWidth) entries = ParseBundle(bytes, kTileWidth);
  if (!entries)
    return MakeError(Errc::kMalformed,
                     EntryBundlePath(index, width) + ": " + entries.error().detail);
  entries->resize(width);
  return std::move(*entries);
}

Result<Bytes> TileReader::Entry(std::uint64_t index) {
  if (index >= size_) return MakeError(Errc::kInvalidArgument, "entry outside the tree");
  VIGIL_ASSIGN_OR_RETURN(auto entries, Bundle(index / kTileWidth));
  return std::move(entries[index % kTileWidth]);
}

}  // namespace vigil::translog

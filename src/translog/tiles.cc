// Format: docs/formats/log.md ("Entries and tiles")
#include "translog/tiles.h"

#include <charconv>
#include <cstdio>
#include <cstring>

#include "base/check.h"

namespace vigil::translog {
namespace {

bool ParseDecimal(std::string_view text, std::uint64_t& out) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Hash PerfectRoot(std::span<const Hash> leaves) {
  CHECK(!leaves.empty() && (leaves.size() & (leaves.size() - 1)) == 0);
  std::vector<Hash> hashes(leaves.begin(), leaves.end());
  while (hashes.size() > 1) {
    for (std::size_t i = 0; i < hashes.size() / 2; ++i)
      hashes[i] = HashChildren(hashes[2 * i], hashes[2 * i + 1]);
    hashes.resize(hashes.size() / 2);
  }
  return hashes[0];
}

std::string EncodeTileIndex(std::uint64_t index) {
  std::vector<unsigned> groups;
  do {
    groups.push_back(static_cast<unsigned>(index % 1000));
    index /= 1000;
  } while (index > 0);
  std::string out;
  for (std::size_t i = groups.size(); i-- > 0;) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%s%03u", i > 0 ? "x" : "", groups[i]);
    out += buf;
    if (i > 0) out += '/';
  }
  return out;
}

std::string TilePath(unsigned level, std::uint64_t index, std::size_t width) {
  CHECK(level <= 63 && width >= 1 && width <= kTileWidth);
  std::string out = "tile/" + std::to_string(level) + "/" + EncodeTileIndex(index);
  if (width < kTileWidth) out += ".p/" + std::to_string(width);
  return out;
}

std::string EntryBundlePath(std::uint64_t index, std::size_t width) {
  CHECK(width >= 1 && width <= kTileWidth);
  std::string out = "tile/entries/" + EncodeTileIndex(index);
  if (width < kTileWidth) out += ".p/" + std::to_string(width);
  return out;
}

Result<TileCoordinates> ParseTilePath(std::string_view path) {
  auto bad = [] { return MakeError(Errc::kInvalidArgument, "not a tile path"); };
  if (!path.starts_with("tile/")) return bad();
  path.remove_prefix(5);
  TileCoordinates c;
  std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return bad();
  std::string_view level = path.substr(0, slash);
  path.remove_prefix(slash + 1);
  if (level == "entries") {
    c.entries = true;
  } else {
    std::uint64_t l = 0;
    if (!ParseDecimal(level, l) || l > 63) return bad();
    c.level = static_cast<unsigned>(l);
  }
  // Index groups, then an optional ".p/<width>".
  std::size_t partial = path.find(".p/");
  std::string_view index_part = path.substr(0, partial);
  if (partial != std::string_view::npos) {
    std::uint64_t w = 0;
    if (!ParseDecimal(path.substr(partial + 3), w) || w < 1 || w > 255) return bad();
    c.width = static_cast<std::size_t>(w);
  }
  std::uint64_t index = 0;
  while (true) {
    std::size_t s = index_part.find('/');
    std::string_view group = index_part.substr(0, s);
    bool last = s == std::string_view::npos;
    if (!last) {
      if (group.size() != 4 || group[0] != 'x') return bad();
      group.remove_prefix(1);
    }
    if (group.size() != 3) return bad();
    unsigned v = 0;
    for (char ch : group) {
      if (ch < '0' || ch > '9') return bad();
      v = v * 10 + static_cast<unsigned>(ch - '0');
    }
    if (index > (UINT64_MAX - v) / 1000) return bad();
    index = index * 1000 + v;
    if (last) break;
    index_part.remove_prefix(s + 1);
  }
  c.index = index;
  // Canonical form only: re-encode and compare (rejects e.g. a leading "x000/" group).
  std::string again =
      c.entries ? EntryBundlePath(c.index, c.width) : TilePath(c.level, c.index, c.width);
  if (again.substr(5) != std::string(level) + "/" + std::string(path)) return bad();
  return c;
}

void AppendToBundle(Bytes& bundle, ByteSpan entry) {
  CHECK(entry.size() <= kMaxEntrySize);
  bundle.push_back(static_cast<std::uint8_t>(entry.size() >> 8));
  bundle.push_back(static_cast<std::uint8_t>(entry.size()));
  bundle.insert(bundle.end(), entry.begin(), entry.end());
}

Result<std::vector<Bytes>> ParseBundle(ByteSpan bundle, std::size_t count) {
  std::vector<Bytes> entries;
  entries.reserve(count);
  std::size_t pos = 0;
  while (pos < bundle.size()) {
    if (bundle.size() - pos < 2)
      return MakeError(Errc::kMalformed, "entry bundle: truncated length");
    std::size_t len = std::size_t{bundle[pos]} << 8 | bundle[pos + 1];
    pos += 2;
    if (bundle.size() - pos < len)
      return MakeError(Errc::kMalformed, "entry bundle: truncated entry");
    entries.emplace_back(bundle.begin() + static_cast<std::ptrdiff_t>(pos),
                         bundle.begin() + static_cast<std::ptrdiff_t>(pos + len));
    pos += len;
    if (entries.size() > count) break;
  }
  if (entries.size() != count)
    return MakeError(Errc::kMalformed, "entry bundle holds " + std::to_string(entries.size()) +
                                           " entries, expected " + std::to_string(count));
  return entries;
}

Bytes EncodeHashes(const std::vector<Hash>& hashes) {
  Bytes out;
  out.reserve(hashes.size() * 32);
  for (const Hash& h : hashes) out.insert(out.end(), h.begin(), h.end());
  return out;
}

Result<std::vector<Hash>> DecodeHashes(ByteSpan bytes) {
  if (bytes.size() % 32 != 0 || bytes.size() > kTileWidth * 32)
    return MakeError(Errc::kMalformed, "tile length is not a multiple of 32 bytes");
  std::vector<Hash> out(bytes.size() / 32);
  for (std::size_t i = 0; i < out.size(); ++i)
    std::memcpy(out[i].data(), bytes.data() + 32 * i, 32);
  return out;
}

std::size_t PartialWidth(std::uint64_t size, unsigned level) {
  for (unsigned l = 0; l < level; ++l) size /= kTileWidth;
  return static_cast<std::size_t>(size % kTileWidth);
}

std::uint64_t EdgeTileIndex(std::uint64_t size, unsigned level) {
  for (unsigned l = 0; l <= level; ++l) size /= kTileWidth;
  return size;
}

TileBuilder::TileBuilder(std::uint64_t size, std::vector<std::vector<Hash>> partial_tiles)
    : size_(size), partial_(std::move(partial_tiles)) {
  for (unsigned l = 0; l < partial_.size(); ++l)
    CHECK(partial_[l].size() == PartialWidth(size_, l));
  std::uint64_t rest = size_;
  for (unsigned l = 0; l < partial_.size(); ++l) rest /= kTileWidth;
  CHECK(rest == 0);
}

void TileBuilder::Add(const Hash& leaf_hash, const std::function<void(Tile)>& on_full_tile) {
  ++size_;
  Hash carry = leaf_hash;
  for (unsigned level = 0;; ++level) {
    if (partial_.size() <= level) partial_.emplace_back();
    auto& tile = partial_[level];
    tile.push_back(carry);
    if (tile.size() < kTileWidth) return;
    // A full tile: its root is one hash of the tile above (tlog-tiles, "Merkle Tree").
    std::vector<Hash> full = std::move(tile);
    tile.clear();
    carry = PerfectRoot(full);
    on_full_tile(Tile{level, EdgeTileIndex(size_, level) - 1, std::move(full)});
  }
}

std::vector<TileBuilder::Tile> TileBuilder::PartialTiles() const {
  std::vector<Tile> out;
  for (unsigned level = 0; level < partial_.size(); ++level) {
    if (!partial_[level].empty())
      out.push_back(Tile{level, EdgeTileIndex(size_, level), partial_[level]});
  }
  return out;
}

Hash TileBuilder::Root() const { return RootFromPartialTiles(partial_); }

Hash RootFromPartialTiles(const std::vector<std::vector<Hash>>& partial_tiles) {
  // The perfect subtrees of the tree, left to right: highest level first, and within a tile's
  // hashes, the binary decomposition of its width from the top bit down.
  std::vector<Hash> roots;
  for (std::size_t level = partial_tiles.size(); level-- > 0;) {
    const auto& tile = partial_tiles[level];
    std::size_t pos = 0;
    for (int bit = 7; bit >= 0; --bit) {
      std::size_t n = std::size_t{1} << bit;
      if ((tile.size() & n) == 0) continue;
      roots.push_back(PerfectRoot(std::span<const Hash>(tile).subspan(pos, n)));
      pos += n;
    }
  }
  if (roots.empty()) return EmptyRoot();
  Hash acc = roots.back();
  for (std::size_t i = roots.size() - 1; i-- > 0;) acc = HashChildren(roots[i], acc);
  return acc;
}

}  // namespace vigil::translog

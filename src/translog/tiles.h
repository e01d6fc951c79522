// The tiled layout of the log (C2SP tlog-tiles, tiles of height 8): paths of hash tiles and
// entry bundles, entry bundle encoding, and TileBuilder, the in-memory right edge of the tree
// that turns appended leaves into the tiles to write and computes the root at any size.
// Format: docs/formats/log.md ("Entries and tiles")
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/sha256.h"
#include "merkle/merkle.h"

namespace vigil::translog {

using merkle::EmptyRoot;
using merkle::Hash;
using merkle::HashChildren;
using merkle::HashLeaf;
inline constexpr std::size_t kTileWidth = 256;  // hashes per full tile (height 8)
inline constexpr std::size_t kMaxEntrySize = 65535;

// "x001/x234/067" for 1234067: three-digit groups, all but the last prefixed with 'x'.
std::string EncodeTileIndex(std::uint64_t index);
// "tile/<level>/<index>" or "tile/<level>/<index>.p/<width>" (width 1..255; 256 = full).
std::string TilePath(unsigned level, std::uint64_t index, std::size_t width);
// "tile/entries/<index>[.p/<width>]".
std::string EntryBundlePath(std::uint64_t index, std::size_t width);

// A parsed tile or bundle path.
struct TileCoordinates {
  bool entries = false;  // an entry bundle, not a hash tile
  unsigned level = 0;
  std::uint64_t index = 0;
  std::size_t width = kTileWidth;
};
// Parses a path produced by TilePath or EntryBundlePath, strictly (no leading zeros, 'x' on all
// but the last group, level 0..63, width 1..255). Fails with kInvalidArgument.
Result<TileCoordinates> ParseTilePath(std::string_view path);

// The root of a perfect subtree given its 2^k lowest hashes (CHECKed: non-empty power of two).
Hash PerfectRoot(std::span<const Hash> hashes);

// Entry bundles: each entry as a big-endian uint16 length then its bytes.
void AppendToBundle(Bytes& bundle, ByteSpan entry);
// Fails with kMalformed unless `bundle` holds exactly `count` well-formed entries.
Result<std::vector<Bytes>> ParseBundle(ByteSpan bundle, std::size_t count);

// A tile's hashes as bytes (32 each) and back.
Bytes EncodeHashes(const std::vector<Hash>& hashes);
Result<std::vector<Hash>> DecodeHashes(ByteSpan bytes);

// The width of the tile at `level` for a tree of `size` leaves: floor(size / 256^level) mod 256
// (0: no partial tile at that level).
std::size_t PartialWidth(std::uint64_t size, unsigned level);
// The index of the right-most (partial or just completed) tile at `level` for `size`.
std::uint64_t EdgeTileIndex(std::uint64_t size, unsigned level);

// The right edge of a tree: at each tile level, the hashes of the current partial tile. This is
// all the state an appender needs. Not thread-safe.
class TileBuilder {
 public:
  struct Tile {
    unsigned level;
    std::uint64_t index;
    std::vector<Hash> hashes;  // 256 for a full tile
  };

  // The state for `size` leaves, given the partial tile hashes at each level (level 0 first),
  // as read back from disk. CHECKs that the widths match `size`.
  TileBuilder(std::uint64_t size, std::vector<std::vector<Hash>> partial_tiles);
  TileBuilder() = default;

  std::uint64_t size() const { return size_; }
  // Adds one leaf hash; every tile this completes is passed to `on_full_tile`.
  void Add(const Hash& leaf_hash, const std::function<void(Tile)>& on_full_tile);
  // The partial tiles at the current size (only levels with at least one hash).
  std::vector<Tile> PartialTiles() const;
  // RFC 6962 root at the current size.
  Hash Root() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<std::vector<Hash>> partial_;  // by level
};

// The root of a tree given its partial tiles (level 0 first), as a client or a verifier rebuilds
// it from fetched tiles.
Hash RootFromPartialTiles(const std::vector<std::vector<Hash>>& partial_tiles);

}  // namespace vigil::translog

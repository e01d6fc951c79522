// Reads a published log through its tiles, as any client does: the checkpoint, hash tiles and
// entry bundles come from a Fetch function (a directory or a URL), and node hashes for proofs
// are computed from them. Format: docs/formats/log.md
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "merkle/merkle.h"
#include "translog/tiles.h"

namespace vigil::translog {

// Returns the bytes at a log path ("checkpoint", "tile/0/000.p/5"), nullopt when absent.
using Fetch = std::function<Result<std::optional<Bytes>>(const std::string& path)>;

class TileReader {
 public:
  // Reads the tree of `size` leaves (the size of a checkpoint the caller has verified).
  TileReader(Fetch fetch, std::uint64_t size) : fetch_(std::move(fetch)), size_(size) {}

  // The hashes of tile (level, index) as they are for this tree size: full, or the partial of
  // the right width (falling back to a prefix of the full tile). kNotFound when neither exists,
  // kMalformed when the file has the wrong length.
  Result<std::vector<Hash>> Tile(unsigned level, std::uint64_t index);

  // A merkle::NodeHashFn over this tree (cached tile by tile).
  Result<Hash> NodeHash(unsigned level, std::uint64_t index);
  merkle::NodeHashFn NodeHashFn() {
    return [this](unsigned level, std::uint64_t index) { return NodeHash(level, index); };
  }

  // The entries of bundle `index` for this tree size.
  Result<std::vector<Bytes>> Bundle(std::uint64_t index);
  // The entry at `index`.
  Result<Bytes> Entry(std::uint64_t index);

 private:
  std::size_t WidthOf(unsigned level, std::uint64_t index) const;
  Result<Bytes> FetchWithFallback(const std::string& full_path, std::size_t width);

  Fetch fetch_;
  std::uint64_t size_;
  std::map<std::pair<unsigned, std::uint64_t>, std::vector<Hash>> cache_;
};

}  // namespace vigil::translog

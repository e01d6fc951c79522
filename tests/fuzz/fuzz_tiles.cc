// Fuzzes the tile path parser and the entry bundle and hash tile decoders. Properties: a parsed
// path re-encodes to itself; a parsed bundle re-encodes to its bytes.
#include <cstdlib>
#include <string_view>

#include "translog/tiles.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto c = vigil::translog::ParseTilePath(text)) {
    std::string again = c->entries ? vigil::translog::EntryBundlePath(c->index, c->width)
                                   : vigil::translog::TilePath(c->level, c->index, c->width);
    if (again != text) std::abort();
  }
  vigil::ByteSpan bytes(data, size);
  std::size_t count = size == 0 ? 0 : data[0] % 8;
  if (auto entries = vigil::translog::ParseBundle(bytes, count)) {
    vigil::Bytes again;
    for (const auto& e : *entries) vigil::translog::AppendToBundle(again, e);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  }
  (void)vigil::translog::DecodeHashes(bytes);
  return 0;
}

// Fuzzes the log entry decoder. Property: whatever decodes re-encodes to the same bytes.
#include <cstdlib>

#include "translog/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vigil::ByteSpan in(data, size);
  auto entry = vigil::translog::DecodeEntry(in);
  if (!entry) return 0;
  vigil::Bytes again = vigil::translog::EncodeEntry(*entry);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  return 0;
}

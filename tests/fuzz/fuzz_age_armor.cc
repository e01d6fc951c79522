// Fuzzes the strict armor decoder. Property: whatever decodes, re-armors and decodes the same.
#include <cstdlib>

#include "crypto/age/armor.h"

namespace {
vigil::Result<vigil::Bytes> Dearmor(vigil::ByteSpan in_bytes) {
  vigil::MemorySource mem(in_bytes);
  vigil::BufferedSource in(mem, 256);
  vigil::age::ArmorReader reader(in);
  vigil::Bytes out(1 << 20);
  auto n = vigil::ReadFull(reader, out);
  if (!n) return n.error();
  out.resize(*n);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decoded = Dearmor(vigil::ByteSpan(data, size));
  if (!decoded) return 0;
  vigil::Bytes armored;
  vigil::BytesSink sink(armored);
  vigil::age::ArmorWriter writer(sink);
  if (!writer.Write(*decoded) || !writer.Close()) std::abort();
  auto again = Dearmor(armored);
  if (!again || *again != *decoded) std::abort();
  return 0;
}

// Fuzzes the age header parser. Property: a header that parses re-encodes to exactly the bytes
// it was parsed from (the format is canonical, so the MAC covers one encoding only).
#include <cstdlib>

#include "base/base64.h"
#include "crypto/age/header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vigil::MemorySource mem(vigil::ByteSpan(data, size));
  vigil::BufferedSource in(mem, 512);
  vigil::age::HeaderLimits limits;
  limits.max_header_bytes = 64 * 1024;
  auto header = vigil::age::ParseHeader(in, limits);
  if (!header) return 0;
  std::string again = vigil::age::EncodeHeaderWithoutMac(header->stanzas);
  if (again != header->signed_part) std::abort();
  std::string mac_line =
      " " + vigil::Base64Encode(header->mac, vigil::Base64Padding::kUnpadded) + "\n";
  std::string full = again + mac_line;
  if (full.size() > size ||
      std::string_view(reinterpret_cast<const char*>(data), full.size()) != full)
    std::abort();
  return 0;
}

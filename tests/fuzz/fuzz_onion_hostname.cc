// Fuzzes the check of tor's hostname file. Property: what it accepts is a v3 address, 56
// base32 characters ending in 'd' then ".onion", returned without its newline.
#include <cstdlib>
#include <string_view>

#include "server/onion.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto hostname = vigil::server::ParseOnionHostname(text);
  if (!hostname) return 0;
  if (hostname->size() != 62 || !hostname->ends_with("d.onion") || text.find(*hostname) != 0)
    std::abort();
  for (char c : hostname->substr(0, 56))
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) std::abort();
  return 0;
}

// Fuzzes the witness state parser. Property: a parsed state formats back to its input.
#include <cstdlib>
#include <string_view>

#include "translog/witness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = vigil::translog::ParseWitnessState(text);
  if (!state) return 0;
  if (vigil::translog::FormatWitnessState(*state) != text) std::abort();
  return 0;
}

// Fuzzes the receipt parser and checker. Property: a parsed receipt formats back to its input.
#include <cstdlib>
#include <string_view>

#include "testing/seeded_random.h"
#include "translog/receipt.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const vigil::translog::VerifierKey* key = [] {
    vigil::testing::SeededRandom r(1);
    auto signer = vigil::translog::GenerateSignerKey("t.example/log", r);
    return new vigil::translog::VerifierKey(signer->verifier_key());
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto receipt = vigil::translog::ParseReceipt(text);
  if (!receipt) return 0;
  if (vigil::translog::FormatReceipt(*receipt) != text) std::abort();
  (void)vigil::translog::VerifyReceipt(*receipt, *key);
  return 0;
}

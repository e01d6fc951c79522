// Fuzzes the API's JSON request decoding (src/api/json.h) as the report and account routes use it:
// parse with the allowed fields, then every typed accessor. Property: no crash, no leak, and a
// field read as hex has exactly the requested length.
#include <cstdlib>
#include <string_view>

#include "api/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto object = vigil::api::JsonObject::Parse(
      text, {"lookup_id", "reporter_recipient", "ciphertext", "attachments", "threshold", "wraps"});
  if (!object) return 0;
  // The shapes of the accounts routes: a bounded integer and an array of objects.
  auto threshold = object->Integer("threshold", 2, 255);
  if (threshold && (*threshold < 2 || *threshold > 255)) std::abort();
  auto wraps = object->Objects("wraps", 4, {"account_id", "wrap"});
  if (wraps) {
    if (wraps->empty() || wraps->size() > 4) std::abort();
    for (const auto& w : *wraps) (void)w.Base64("wrap");
  }
  auto lookup = object->Hex("lookup_id", 32);
  if (lookup && lookup->size() != 32) std::abort();
  (void)object->String("reporter_recipient");
  (void)object->Base64("ciphertext");
  (void)object->OptionalStrings("attachments", 32);
  return 0;
}

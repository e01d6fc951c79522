// Fuzzes the small request-part parsers: query parameters and cookies (src/http/request_parts.h),
// the page language choice (src/pages/pages.h) and Base32 (TOTP secrets). Properties: no crash,
// results are views into the input, the language is a supported one, and Base32 round trips.
#include <cstdlib>
#include <string_view>

#include "base/base32.h"
#include "http/request_parts.h"
#include "pages/pages.h"

namespace {

bool Inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!Inside(vigil::http::QueryParam(text, "lang"), text)) std::abort();
  if (!Inside(vigil::http::CookieValue(text, "vigil_session"), text)) std::abort();
  std::string_view lang = vigil::pages::PickLanguage(text.substr(0, 8), text);
  bool known = false;
  for (std::string_view l : vigil::pages::Languages()) known = known || l == lang;
  if (!known) std::abort();
  auto decoded = vigil::Base32Decode(text);
  if (decoded && vigil::Base32Encode(*decoded) != text) std::abort();
  return 0;
}

// Fuzzes the tus header parsers with the whole input as a header value. Properties: whatever
// parses has exactly one spelling (the number, metadata and checksum format back to the input
// or to a value that parses the same), errors have the documented codes, and dates format to
// an IMF-fixdate of 29 characters.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "base/base64.h"
#include "http/tus.h"

namespace {

using vigil::Errc;

void CheckNumber(std::string_view input, const vigil::Result<std::uint64_t>& n) {
  if (n) {
    if (std::to_string(*n) != input) std::abort();
  } else if (n.error().code != Errc::kInvalidArgument) {
    std::abort();
  }
}

void CheckMetadata(std::string_view input) {
  auto m = vigil::http::ParseUploadMetadata(input);
  if (!m) {
    Errc code = m.error().code;
    if (code != Errc::kInvalidArgument && code != Errc::kResourceExhausted) std::abort();
    return;
  }
  if (m->empty() || m->size() > vigil::http::kMaxUploadMetadataPairs) std::abort();
  std::string again;
  for (const auto& [key, value] : *m) {
    if (!again.empty()) again += ',';
    again += key;
    if (!value.empty()) again += " " + vigil::Base64Encode(vigil::AsBytes(value));
  }
  auto reparsed = vigil::http::ParseUploadMetadata(again);
  if (!reparsed || *reparsed != *m) std::abort();
}

void CheckChecksum(std::string_view input) {
  auto c = vigil::http::ParseUploadChecksum(input);
  if (!c) {
    Errc code = c.error().code;
    if (code != Errc::kInvalidArgument && code != Errc::kFailedPrecondition) std::abort();
    return;
  }
  if (c->algorithm != "sha256") std::abort();
  if ("sha256 " + vigil::Base64Encode(c->digest) != input) std::abort();
}

void CheckDate(std::string_view input) {
  if (input.size() < 8) return;
  std::int64_t raw;
  std::memcpy(&raw, input.data(), sizeof raw);
  // Any second within 285 years of 1970, inside the range of the clock's nanosecond ticks.
  constexpr std::int64_t kSpan = std::int64_t{9'000'000'000};
  const std::int64_t seconds = raw % kSpan;
  const std::chrono::system_clock::time_point time{std::chrono::seconds(seconds)};
  std::string text = vigil::http::FormatHttpDate(time);
  if (text.size() != 29 || text.substr(25) != " GMT" || text[3] != ',') std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (vigil::http::IsSupportedTusVersion(input) != (input == "1.0.0")) std::abort();
  CheckNumber(input, vigil::http::ParseUploadLength(input));
  CheckNumber(input, vigil::http::ParseUploadOffset(input));
  CheckMetadata(input);
  CheckChecksum(input);
  CheckDate(input);
  return 0;
}

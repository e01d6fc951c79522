// Format: docs/api/http.md ("tus uploads: header rules")
#include "http/tus.h"

#include <algorithm>
#include <cstdio>

#include "base/base64.h"

namespace vigil::http {
namespace {

constexpr std::size_t kMaxDecimalDigits = 19;  // 10^19 - 1 < 2^64
constexpr std::size_t kMaxAlgorithmBytes = 32;
constexpr std::string_view kSha256 = "sha256";

Result<std::uint64_t> ParseDecimal(std::string_view header, std::string_view text) {
  if (text.empty() || text.size() > kMaxDecimalDigits)
    return MakeError(Errc::kInvalidArgument, std::string(header) + ": not 1 to 19 digits");
  if (text.size() > 1 && text[0] == '0')
    return MakeError(Errc::kInvalidArgument, std::string(header) + ": leading zero");
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return MakeError(Errc::kInvalidArgument, std::string(header) + ": not a decimal number");
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsMetadataKeyChar(char c) { return c > ' ' && c < 0x7f && c != ','; }

bool IsAlgorithmChar(char c) { return c > ' ' && c < 0x7f && !(c >= 'A' && c <= 'Z'); }

Error BadMetadata(std::string detail) {
  return MakeError(Errc::kInvalidArgument, "Upload-Metadata: " + std::move(detail));
}

Error BadChecksum(std::string detail) {
  return MakeError(Errc::kInvalidArgument, "Upload-Checksum: " + std::move(detail));
}

}  // namespace

bool IsSupportedTusVersion(std::string_view tus_resumable) { return tus_resumable == kTusVersion; }

Result<std::uint64_t> ParseUploadLength(std::string_view text) {
  return ParseDecimal("Upload-Length", text);
}

Result<std::uint64_t> ParseUploadOffset(std::string_view text) {
  return ParseDecimal("Upload-Offset", text);
}

Result<UploadMetadata> ParseUploadMetadata(std::string_view text) {
  if (text.size() > kMaxUploadMetadataBytes)
    return MakeError(Errc::kResourceExhausted, "Upload-Metadata: too large");
  if (text.empty()) return BadMetadata("empty");
  UploadMetadata out;
  while (true) {
    std::size_t comma = text.find(',');
    std::string_view pair = TrimOws(text.substr(0, comma));
    std::size_t space = pair.find(' ');
    std::string_view key = pair.substr(0, space);
    if (key.empty()) return BadMetadata("empty key");
    if (!std::all_of(key.begin(), key.end(), IsMetadataKeyChar))
      return BadMetadata("key is not printable ASCII");
    // Security: T8, a repeated key could be read as the first by one component and the last by
    // another.
    for (const auto& [seen, value] : out) {
      if (seen == key) return BadMetadata("repeated key");
    }
    if (out.size() == kMaxUploadMetadataPairs)
      return MakeError(Errc::kResourceExhausted, "Upload-Metadata: too many pairs");
    std::string value;
    if (space != std::string_view::npos) {
      auto decoded = Base64Decode(pair.substr(space + 1));
      if (!decoded) return BadMetadata("value is not strict base64");
      value = ToString(*decoded);
    }
    out.emplace_back(std::string(key), std::move(value));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Result<UploadChecksum> ParseUploadChecksum(std::string_view text) {
  std::size_t space = text.find(' ');
  if (space == std::string_view::npos) return BadChecksum("no space");
  std::string_view algorithm = text.substr(0, space);
  std::string_view encoded = text.substr(space + 1);
  if (algorithm.empty() || algorithm.size() > kMaxAlgorithmBytes ||
      !std::all_of(algorithm.begin(), algorithm.end(), IsAlgorithmChar))
    return BadChecksum("bad algorithm name");
  if (encoded.empty()) return BadChecksum("no digest");
  auto digest = Base64Decode(encoded);
  if (!digest) return BadChecksum("digest is not strict base64");
  if (algorithm != kSha256)
    return MakeError(Errc::kFailedPrecondition, "Upload-Checksum: unsupported algorithm");
  UploadChecksum out;
  if (digest->size() != out.digest.size()) return BadChecksum("sha256 digest is not 32 bytes");
  out.algorithm = std::string(algorithm);
  std::copy(digest->begin(), digest->end(), out.digest.begin());
  return out;
}

std::string FormatHttpDate(std::chrono::system_clock::time_point time) {
  static constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  using namespace std::chrono;
  const auto whole_seconds = floor<seconds>(time);
  const auto day = floor<days>(whole_seconds);
  const year_month_day date(day);
  const hh_mm_ss time_of_day(whole_seconds - day);
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                kWeekdays[weekday(day).c_encoding()], static_cast<unsigned>(date.day()),
                kMonths[static_cast<unsigned>(date.month()) - 1], static_cast<int>(date.year()),
                static_cast<int>(time_of_day.hours().count()),
                static_cast<int>(time_of_day.minutes().count()),
                static_cast<int>(time_of_day.seconds().count()));
  return out;
}

}  // namespace vigil::http

#include "auth/totp.h"

#include <sodium.h>

#include <array>

#include "base/base32.h"
#include "crypto/hmac.h"

namespace vigil::auth {
namespace {

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string TotpCode(ByteSpan seed, std::uint64_t step, int digits) {
  std::array<std::uint8_t, 8> counter{};
  for (int i = 7; i >= 0; --i, step >>= 8) counter[i] = static_cast<std::uint8_t>(step & 0xff);
  crypto::HmacSha1Tag mac = crypto::HmacSha1(seed, counter);
  // RFC 4226 section 5.3, dynamic truncation.
  int offset = mac[19] & 0x0f;
  std::uint32_t binary = (std::uint32_t{mac[offset]} & 0x7f) << 24 |
                         std::uint32_t{mac[offset + 1]} << 16 |
                         std::uint32_t{mac[offset + 2]} << 8 | mac[offset + 3];
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(digits - code.size(), '0') + code;
}

std::optional<std::uint64_t> MatchTotp(ByteSpan seed, std::string_view code,
                                       std::int64_t unix_seconds, std::uint64_t last_used,
                                       int window) {
  if (code.size() != 6 || unix_seconds < 0) return std::nullopt;
  std::int64_t now = unix_seconds / kTotpStepSeconds;
  std::optional<std::uint64_t> found;
  // Every candidate is computed and compared in constant time, so timing tells nothing.
  for (std::int64_t step = now - window; step <= now + window; ++step) {
    if (step < 0) continue;
    std::string expected = TotpCode(seed, static_cast<std::uint64_t>(step));
    bool same = sodium_memcmp(expected.data(), code.data(), expected.size()) == 0;
    if (same && static_cast<std::uint64_t>(step) > last_used && !found)
      found = static_cast<std::uint64_t>(step);
  }
  return found;
}

std::string OtpauthUri(ByteSpan seed, std::string_view issuer, std::string_view account) {
  std::string label = PercentEncode(issuer) + ":" + PercentEncode(account);
  return "otpauth://totp/" + label + "?secret=" + Base32Encode(seed) +
         "&issuer=" + PercentEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace vigil::auth

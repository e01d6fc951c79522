// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, 30-second steps, six
// digits, the profile every authenticator app supports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace vigil::auth {

inline constexpr std::size_t kTotpSeedSize = 20;
inline constexpr std::int64_t kTotpStepSeconds = 30;

// The code for time step `step` (seconds since the epoch / 30), `digits` long, zero-padded.
std::string TotpCode(ByteSpan seed, std::uint64_t step, int digits = 6);

// The step whose code `code` is, among now's step and `window` steps either side, and
// after `last_used` (a code is good once). Nothing when none matches.
std::optional<std::uint64_t> MatchTotp(ByteSpan seed, std::string_view code,
                                       std::int64_t unix_seconds, std::uint64_t last_used,
                                       int window = 1);

// "otpauth://totp/<issuer>:<account>?secret=…&issuer=…" for a QR code or a manual entry.
// `issuer` and `account` are percent-encoded.
std::string OtpauthUri(ByteSpan seed, std::string_view issuer, std::string_view account);

}  // namespace vigil::auth

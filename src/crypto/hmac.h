// HMAC-SHA-256 (RFC 2104) and HKDF-SHA-256 (RFC 5869).
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/secret.h"

namespace vigil::crypto {

using HmacSha256Tag = std::array<std::uint8_t, 32>;

HmacSha256Tag HmacSha256(ByteSpan key, ByteSpan data);

// HMAC-SHA-1, for TOTP (RFC 6238) only: authenticator apps compute it and nothing else.
using HmacSha1Tag = std::array<std::uint8_t, 20>;
HmacSha1Tag HmacSha1(ByteSpan key, ByteSpan data);

// Derives `length` bytes (at most 255 * 32; CHECKed) from `ikm` with `salt` and `info`.
SecretBytes HkdfSha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, std::size_t length);

}  // namespace vigil::crypto

// Argon2id (RFC 9106) from libsodium: raw derivation for client-side secrets
// (docs/formats/derivation.md) and the PHC-string verifier the server keeps for login secrets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secret.h"

namespace vigil::crypto {

inline constexpr std::size_t kArgon2SaltSize = 16;

// Cost parameters; parallelism is always 1 (libsodium's only choice, and the browser's).
struct Argon2Params {
  std::uint32_t iterations = 3;
  std::uint32_t memory_kib = 64 * 1024;
};

// Argon2id version 0x13 of `password` with a 16-byte salt, `length` bytes out. kInvalidArgument
// for a salt of another size or costs outside libsodium's bounds; kResourceExhausted when the
// memory cannot be allocated.
Result<SecretBytes> Argon2id(ByteSpan password, ByteSpan salt, Argon2Params params,
                             std::size_t length);

// A PHC string ("$argon2id$v=19$m=…,t=…,p=1$salt$hash") of `password` with a random salt.
Result<std::string> Argon2idHashString(ByteSpan password, Argon2Params params);

// True when `password` matches `hash`. False for any string that is not an Argon2id PHC string.
bool Argon2idVerifyString(std::string_view hash, ByteSpan password);

}  // namespace vigil::crypto

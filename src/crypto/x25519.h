// X25519 Diffie-Hellman (RFC 7748), libsodium.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"
#include "base/random.h"
#include "base/secret.h"

namespace vigil::crypto {

inline constexpr std::size_t kX25519KeySize = 32;
using X25519PublicKey = std::array<std::uint8_t, kX25519KeySize>;

// A fresh private scalar from `random`.
SecretBytes GenerateX25519PrivateKey(Random& random);

// scalar · basepoint. `private_key` must be 32 bytes (CHECKed).
X25519PublicKey X25519PublicFromPrivate(const SecretBytes& private_key);

// scalar · point. Fails with kInvalidArgument when the result is all zeros (a low-order point):
// RFC 7748 section 6.1, and age requires rejecting it.
Result<SecretBytes> X25519(const SecretBytes& private_key, ByteSpan public_key);

}  // namespace vigil::crypto

// Ed25519 signatures (RFC 8032), libsodium. Used for log checkpoints and cosignatures.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"
#include "base/random.h"
#include "base/secret.h"

namespace vigil::crypto {

inline constexpr std::size_t kEd25519SeedSize = 32;
inline constexpr std::size_t kEd25519PublicKeySize = 32;
inline constexpr std::size_t kEd25519SignatureSize = 64;
using Ed25519PublicKey = std::array<std::uint8_t, kEd25519PublicKeySize>;
using Ed25519Signature = std::array<std::uint8_t, kEd25519SignatureSize>;

// A signing key made from a 32-byte seed (the RFC 8032 private key). Move-only.
class Ed25519PrivateKey {
 public:
  // `seed` must be 32 bytes (CHECKed).
  explicit Ed25519PrivateKey(ByteSpan seed);
  static Ed25519PrivateKey Generate(Random& random);

  const Ed25519PublicKey& public_key() const { return public_key_; }
  const SecretBytes& seed() const { return seed_; }
  Ed25519Signature Sign(ByteSpan message) const;

 private:
  SecretBytes seed_;
  SecretBytes expanded_;  // libsodium's 64-byte secret key
  Ed25519PublicKey public_key_{};
};

// Strict verification (libsodium rejects non-canonical and small-order keys and signatures).
bool Ed25519Verify(const Ed25519PublicKey& public_key, ByteSpan message,
                   const Ed25519Signature& signature);

}  // namespace vigil::crypto

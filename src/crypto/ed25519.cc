#include "crypto/ed25519.h"

#include <sodium.h>

#include "base/check.h"
#include "crypto/sodium_init.h"

namespace vigil::crypto {

Ed25519PrivateKey::Ed25519PrivateKey(ByteSpan seed)
    : seed_(seed), expanded_(crypto_sign_ed25519_SECRETKEYBYTES) {
  EnsureSodium();
  CHECK(seed.size() == kEd25519SeedSize);
  CHECK(crypto_sign_ed25519_seed_keypair(public_key_.data(), expanded_.data(), seed_.data()) == 0);
}

Ed25519PrivateKey Ed25519PrivateKey::Generate(Random& random) {
  SecretBytes seed(kEd25519SeedSize);
  random.Fill(seed.span());
  return Ed25519PrivateKey(seed.span());
}

Ed25519Signature Ed25519PrivateKey::Sign(ByteSpan message) const {
  Ed25519Signature sig;
  CHECK(crypto_sign_ed25519_detached(sig.data(), nullptr, message.data(), message.size(),
                                     expanded_.data()) == 0);
  return sig;
}

bool Ed25519Verify(const Ed25519PublicKey& public_key, ByteSpan message,
                   const Ed25519Signature& signature) {
  EnsureSodium();
  return crypto_sign_ed25519_verify_detached(signature.data(), message.data(), message.size(),
                                             public_key.data()) == 0;
}

}  // namespace vigil::crypto

#include "crypto/x25519.h"

#include <sodium.h>

#include "base/check.h"
#include "crypto/sodium_init.h"

namespace vigil::crypto {

SecretBytes GenerateX25519PrivateKey(Random& random) {
  EnsureSodium();
  SecretBytes key(kX25519KeySize);
  random.Fill(key.span());
  return key;
}

X25519PublicKey X25519PublicFromPrivate(const SecretBytes& private_key) {
  EnsureSodium();
  CHECK(private_key.size() == kX25519KeySize);
  X25519PublicKey out;
  CHECK(crypto_scalarmult_curve25519_base(out.data(), private_key.data()) == 0);
  return out;
}

Result<SecretBytes> X25519(const SecretBytes& private_key, ByteSpan public_key) {
  EnsureSodium();
  CHECK(private_key.size() == kX25519KeySize);
  if (public_key.size() != kX25519KeySize)
    return MakeError(Errc::kInvalidArgument, "x25519: public key must be 32 bytes");
  SecretBytes shared(kX25519KeySize);
  // libsodium returns -1 when the output is all zeros (low-order input point).
  if (crypto_scalarmult_curve25519(shared.data(), private_key.data(), public_key.data()) != 0)
    return MakeError(Errc::kInvalidArgument, "x25519: low-order point");
  return shared;
}

}  // namespace vigil::crypto

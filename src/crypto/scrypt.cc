#include "crypto/scrypt.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace vigil::crypto {

Result<SecretBytes> Scrypt(ByteSpan passphrase, ByteSpan salt, int log2_n, std::size_t length) {
  EnsureSodium();
  if (log2_n < 1 || log2_n > 63)
    return MakeError(Errc::kInvalidArgument, "scrypt: log2(N) out of range");
  SecretBytes out(length);
  if (crypto_pwhash_scryptsalsa208sha256_ll(passphrase.data(), passphrase.size(), salt.data(),
                                            salt.size(), std::uint64_t{1} << log2_n, 8, 1,
                                            out.data(), out.size()) != 0) {
    return MakeError(Errc::kResourceExhausted, "scrypt: out of memory");
  }
  return out;
}

}  // namespace vigil::crypto

// ChaCha20-Poly1305 (RFC 8439) with a 12-byte nonce and a 16-byte tag.
// Two backends, OpenSSL 3 and libsodium; `make bench` measures both (bench/aead_bench.cc) and
// the default is the faster one (docs/decisions/0002-payload-cipher-backend.md).
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/secret.h"

namespace vigil::crypto {

inline constexpr std::size_t kAeadKeySize = 32;
inline constexpr std::size_t kAeadNonceSize = 12;
inline constexpr std::size_t kAeadTagSize = 16;
using AeadNonce = std::array<std::uint8_t, kAeadNonceSize>;

enum class AeadBackend { kOpenSsl, kLibsodium };

// One key, many messages. Not thread-safe: give each thread its own object.
class ChaCha20Poly1305 {
 public:
  // `key` must be 32 bytes (CHECKed).
  explicit ChaCha20Poly1305(ByteSpan key, AeadBackend backend = AeadBackend::kOpenSsl);
  ~ChaCha20Poly1305();
  ChaCha20Poly1305(const ChaCha20Poly1305&) = delete;
  ChaCha20Poly1305& operator=(const ChaCha20Poly1305&) = delete;

  // Encrypts `plaintext` into `out`, which must hold plaintext.size() + 16 bytes (CHECKed).
  // `out` may alias `plaintext` exactly (in place).
  void Seal(const AeadNonce& nonce, ByteSpan plaintext, MutableByteSpan out);

  // Decrypts and authenticates; `out` must hold ciphertext.size() - 16 bytes. Returns false on
  // a bad tag or a ciphertext shorter than the tag; `out` is then zeroed, never released.
  [[nodiscard]] bool Open(const AeadNonce& nonce, ByteSpan ciphertext, MutableByteSpan out);

 private:
  AeadBackend backend_;
  SecretBytes key_;
  void* ctx_ = nullptr;  // EVP_CIPHER_CTX for the OpenSSL backend
};

}  // namespace vigil::crypto

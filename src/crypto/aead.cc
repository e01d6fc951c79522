#include "crypto/aead.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <climits>

#include "base/check.h"
#include "crypto/sodium_init.h"

namespace vigil::crypto {
namespace {
EVP_CIPHER_CTX* Ctx(void* p) { return static_cast<EVP_CIPHER_CTX*>(p); }
}  // namespace

ChaCha20Poly1305::ChaCha20Poly1305(ByteSpan key, AeadBackend backend)
    : backend_(backend), key_(key) {
  EnsureSodium();
  CHECK(key.size() == kAeadKeySize);
  if (backend_ == AeadBackend::kOpenSsl) {
    ctx_ = EVP_CIPHER_CTX_new();
    CHECK(ctx_ != nullptr);
  }
}

ChaCha20Poly1305::~ChaCha20Poly1305() {
  if (ctx_ != nullptr) EVP_CIPHER_CTX_free(Ctx(ctx_));
}

void ChaCha20Poly1305::Seal(const AeadNonce& nonce, ByteSpan plaintext, MutableByteSpan out) {
  CHECK(out.size() == plaintext.size() + kAeadTagSize);
  CHECK(plaintext.size() <= INT_MAX);
  if (backend_ == AeadBackend::kLibsodium) {
    unsigned long long clen = 0;
    CHECK(crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &clen, plaintext.data(),
                                                    plaintext.size(), nullptr, 0, nullptr,
                                                    nonce.data(), key_.data()) == 0);
    return;
  }
  EVP_CIPHER_CTX* ctx = Ctx(ctx_);
  int len = 0;
  CHECK(EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, key_.data(), nonce.data()) == 1);
  CHECK(EVP_EncryptUpdate(ctx, out.data(), &len, plaintext.data(),
                          static_cast<int>(plaintext.size())) == 1);
  int tail = 0;
  CHECK(EVP_EncryptFinal_ex(ctx, out.data() + len, &tail) == 1);
  CHECK(static_cast<std::size_t>(len + tail) == plaintext.size());
  CHECK(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, kAeadTagSize,
                            out.data() + plaintext.size()) == 1);
}

bool ChaCha20Poly1305::Open(const AeadNonce& nonce, ByteSpan ciphertext, MutableByteSpan out) {
  if (ciphertext.size() < kAeadTagSize) return false;
  const std::size_t plain_len = ciphertext.size() - kAeadTagSize;
  CHECK(out.size() == plain_len);
  CHECK(plain_len <= INT_MAX);
  if (backend_ == AeadBackend::kLibsodium) {
    unsigned long long mlen = 0;
    if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &mlen, nullptr, ciphertext.data(),
                                                  ciphertext.size(), nullptr, 0, nonce.data(),
                                                  key_.data()) != 0) {
      SecureZero(out.data(), out.size());
      return false;
    }
    return true;
  }
  EVP_CIPHER_CTX* ctx = Ctx(ctx_);
  int len = 0;
  CHECK(EVP_DecryptInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, key_.data(), nonce.data()) == 1);
  CHECK(EVP_DecryptUpdate(ctx, out.data(), &len, ciphertext.data(), static_cast<int>(plain_len)) ==
        1);
  // The tag is copied because OpenSSL's ctrl interface takes a non-const pointer.
  std::uint8_t tag[kAeadTagSize];
  std::copy_n(ciphertext.data() + plain_len, kAeadTagSize, tag);
  CHECK(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kAeadTagSize, tag) == 1);
  int tail = 0;
  // Security: decrypted bytes are released only after the tag verifies; on failure the
  // buffer is wiped so no unauthenticated plaintext escapes (age spec, STREAM).
  if (EVP_DecryptFinal_ex(ctx, out.data() + len, &tail) != 1) {
    SecureZero(out.data(), out.size());
    return false;
  }
  return true;
}

}  // namespace vigil::crypto

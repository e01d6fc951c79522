#include "crypto/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <cstring>

#include "base/check.h"
#include "crypto/sodium_init.h"

namespace vigil::crypto {

HmacSha256Tag HmacSha256(ByteSpan key, ByteSpan data) {
  EnsureSodium();
  crypto_auth_hmacsha256_state state;
  HmacSha256Tag out;
  CHECK(crypto_auth_hmacsha256_init(&state, key.data(), key.size()) == 0);
  CHECK(crypto_auth_hmacsha256_update(&state, data.data(), data.size()) == 0);
  CHECK(crypto_auth_hmacsha256_final(&state, out.data()) == 0);
  SecureZero(&state, sizeof state);
  return out;
}

HmacSha1Tag HmacSha1(ByteSpan key, ByteSpan data) {
  HmacSha1Tag out{};
  unsigned int length = 0;
  CHECK(HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
             out.data(), &length) != nullptr &&
        length == out.size());
  return out;
}

SecretBytes HkdfSha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, std::size_t length) {
  CHECK(length <= 255 * 32);
  // RFC 5869: an absent salt is HashLen zero bytes.
  std::uint8_t zero_salt[32] = {};
  ByteSpan effective_salt = salt.empty() ? ByteSpan(zero_salt, 32) : salt;
  HmacSha256Tag prk = HmacSha256(effective_salt, ikm);

  SecretBytes out(length);
  HmacSha256Tag block{};
  std::size_t block_len = 0;
  std::size_t done = 0;
  for (std::uint8_t counter = 1; done < length; ++counter) {
    crypto_auth_hmacsha256_state state;
    CHECK(crypto_auth_hmacsha256_init(&state, prk.data(), prk.size()) == 0);
    crypto_auth_hmacsha256_update(&state, block.data(), block_len);
    crypto_auth_hmacsha256_update(&state, info.data(), info.size());
    crypto_auth_hmacsha256_update(&state, &counter, 1);
    crypto_auth_hmacsha256_final(&state, block.data());
    SecureZero(&state, sizeof state);
    block_len = block.size();
    std::size_t n = std::min(block_len, length - done);
    std::memcpy(out.data() + done, block.data(), n);
    done += n;
  }
  SecureZero(prk.data(), prk.size());
  SecureZero(block.data(), block.size());
  return out;
}

}  // namespace vigil::crypto

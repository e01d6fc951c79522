#include "crypto/sha256.h"

#include <openssl/evp.h>

#include "base/check.h"

namespace vigil::crypto {

Sha256Digest Sha256(ByteSpan data) {
  Sha256Digest out;
  unsigned int len = 0;
  CHECK(EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) == 1);
  return out;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  CHECK(ctx_ != nullptr);
  CHECK(EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) == 1);
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256Hasher::Update(ByteSpan data) {
  CHECK(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) == 1);
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out;
  unsigned int len = 0;
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  CHECK(EVP_DigestFinal_ex(ctx, out.data(), &len) == 1);
  CHECK(EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1);
  return out;
}

}  // namespace vigil::crypto

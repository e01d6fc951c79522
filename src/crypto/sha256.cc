#include "crypto/sha256.h"

#include <openssl/evp.h>

#include <memory>

#include "base/check.h"

namespace vigil::crypto {

namespace {

// OpenSSL 3 looks a digest up by name on every EVP_sha256() use; fetch it once.
const EVP_MD* FetchedSha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  CHECK(md != nullptr);
  return md;
}

}  // namespace

Sha256Digest Sha256(ByteSpan data) {
  // Log audits hash millions of short messages: reuse one context per thread instead of
  // allocating one per call.
  struct FreeContext {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, FreeContext> context(EVP_MD_CTX_new());
  EVP_MD_CTX* ctx = context.get();
  CHECK(ctx != nullptr);
  Sha256Digest out{};
  unsigned int len = 0;
  CHECK(EVP_DigestInit_ex2(ctx, FetchedSha256(), nullptr) == 1);
  CHECK(EVP_DigestUpdate(ctx, data.data(), data.size()) == 1);
  CHECK(EVP_DigestFinal_ex(ctx, out.data(), &len) == 1);
  return out;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  CHECK(ctx_ != nullptr);
  CHECK(EVP_DigestInit_ex2(static_cast<EVP_MD_CTX*>(ctx_), FetchedSha256(), nullptr) == 1);
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256Hasher::Update(ByteSpan data) {
  CHECK(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) == 1);
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out{};
  unsigned int len = 0;
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  CHECK(EVP_DigestFinal_ex(ctx, out.data(), &len) == 1);
  CHECK(EVP_DigestInit_ex2(ctx, FetchedSha256(), nullptr) == 1);
  return out;
}

}  // namespace vigil::crypto

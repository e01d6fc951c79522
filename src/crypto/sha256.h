// SHA-256 (OpenSSL, which uses the CPU's SHA extensions where present).
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"

namespace vigil::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest Sha256(ByteSpan data);

// Incremental hashing of a stream. Not thread-safe; one object per stream.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(ByteSpan data);
  // Returns the digest and resets the hasher for reuse.
  Sha256Digest Finish();

 private:
  void* ctx_;  // EVP_MD_CTX
};

}  // namespace vigil::crypto

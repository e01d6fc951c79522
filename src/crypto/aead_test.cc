#include "crypto/aead.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace vigil::crypto {
namespace {

// RFC 8439 section 2.8.2 without the AAD is not published, so the backends are checked against
// each other and against the age test vectors (which exercise the OpenSSL backend end to end).
TEST(ChaCha20Poly1305, BackendsAgreeAndRoundTrip) {
  Bytes key = *HexDecode("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  AeadNonce nonce{7, 0, 0, 0, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47};
  for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 1000u, 65536u}) {
    Bytes plain(n);
    for (std::size_t i = 0; i < n; ++i) plain[i] = static_cast<std::uint8_t>(i * 7);
    ChaCha20Poly1305 ossl(key, AeadBackend::kOpenSsl);
    ChaCha20Poly1305 sodium(key, AeadBackend::kLibsodium);
    Bytes c1(n + kAeadTagSize), c2(n + kAeadTagSize);
    ossl.Seal(nonce, plain, c1);
    sodium.Seal(nonce, plain, c2);
    EXPECT_EQ(c1, c2) << n;
    Bytes back(n);
    ASSERT_TRUE(ossl.Open(nonce, c2, back));
    EXPECT_EQ(back, plain);
    ASSERT_TRUE(sodium.Open(nonce, c1, back));
    EXPECT_EQ(back, plain);
  }
}

TEST(ChaCha20Poly1305, RejectsTamperingAndWipesOutput) {
  Bytes key(32, 1);
  AeadNonce nonce{};
  for (auto backend : {AeadBackend::kOpenSsl, AeadBackend::kLibsodium}) {
    ChaCha20Poly1305 aead(key, backend);
    Bytes plain(100, 0x55), sealed(116);
    aead.Seal(nonce, plain, sealed);
    sealed[10] ^= 1;
    Bytes out(100, 0xee);
    EXPECT_FALSE(aead.Open(nonce, sealed, out));
    EXPECT_EQ(out, Bytes(100, 0));
    Bytes short_out;
    EXPECT_FALSE(aead.Open(nonce, Bytes(15), short_out));
  }
}

// Known answers computed with an independent implementation (Python's `cryptography` package).
TEST(ChaCha20Poly1305, MatchesKnownAnswers) {
  for (auto backend : {AeadBackend::kOpenSsl, AeadBackend::kLibsodium}) {
    Bytes out(16);
    ChaCha20Poly1305(Bytes(32, 0), backend).Seal(AeadNonce{}, {}, out);
    EXPECT_EQ(HexEncode(out), "4eb972c9a8fb3a1b382bb4d36f5ffad1");
    Bytes key = *HexDecode("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    AeadNonce nonce{7, 0, 0, 0, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47};
    Bytes abc(3 + kAeadTagSize);
    ChaCha20Poly1305(key, backend).Seal(nonce, AsBytes("abc"), abc);
    EXPECT_EQ(HexEncode(abc), "fe198aee33b7c3cf0742d9c56155b194616080");
  }
}

}  // namespace
}  // namespace vigil::crypto

#include "crypto/hmac.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace vigil::crypto {
namespace {

TEST(HmacSha256, MatchesRfc4231TestCase1) {
  Bytes key(20, 0x0b);
  EXPECT_EQ(HexEncode(HmacSha256(key, AsBytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

// RFC 2202, test case 2.
TEST(HmacSha1, MatchesRfc2202TestCase2) {
  HmacSha1Tag tag = HmacSha1(AsBytes("Jefe"), AsBytes("what do ya want for nothing?"));
  EXPECT_EQ(HexEncode(tag), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(HkdfSha256, MatchesRfc5869TestCase1) {
  Bytes ikm(22, 0x0b);
  Bytes salt = *HexDecode("000102030405060708090a0b0c");
  Bytes info = *HexDecode("f0f1f2f3f4f5f6f7f8f9");
  SecretBytes okm = HkdfSha256(ikm, salt, info, 42);
  EXPECT_EQ(HexEncode(okm.span()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(HkdfSha256, MatchesRfc5869TestCase3WithEmptySaltAndInfo) {
  Bytes ikm(22, 0x0b);
  SecretBytes okm = HkdfSha256(ikm, {}, {}, 42);
  EXPECT_EQ(HexEncode(okm.span()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

}  // namespace
}  // namespace vigil::crypto

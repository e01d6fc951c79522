#include "base/bech32.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace vigil {
namespace {

// Valid and invalid checksums from BIP 173 ("Test vectors").
TEST(Bech32, AcceptsBip173ValidStrings) {
  const char* valid[] = {
      "A12UEL5L",
      "a12uel5l",
      "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
      "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
      "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
      "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
  };
  for (const char* s : valid) EXPECT_TRUE(Bech32Decode(s)) << s;
}

TEST(Bech32, RejectsBip173InvalidStrings) {
  const char* invalid[] = {
      "pzry9x0s0muk",   // no separator
      "1pzry9x0s0muk",  // empty hrp
      "x1b4n0q5v",      // invalid data character
      "li1dgmt3",       // checksum too short
      "A1G7SGD8",       // checksum computed with upper-case hrp
      "10a06t8",        // empty hrp
      "1qzzfhee",       // empty hrp
      "a12UEL5L",       // mixed case
  };
  for (const char* s : invalid) EXPECT_FALSE(Bech32Decode(s)) << s;
}

TEST(Bech32, DecodesAgeIdentityFromCctvVector) {
  // Identity of the C2SP/CCTV "x25519" vector (testdata/age/x25519).
  auto decoded =
      Bech32Decode("AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->hrp, "age-secret-key-");
  EXPECT_EQ(decoded->data.size(), 32u);
}

TEST(Bech32, RoundTripsAndDetectsSingleCharacterChange) {
  Bytes data = *HexDecode("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  std::string text = Bech32Encode("age", data);
  EXPECT_EQ(text.substr(0, 4), "age1");
  auto back = Bech32Decode(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->hrp, "age");
  EXPECT_EQ(back->data, data);
  for (std::size_t i = 4; i < text.size(); ++i) {
    std::string changed = text;
    changed[i] = changed[i] == 'q' ? 'p' : 'q';
    EXPECT_FALSE(Bech32Decode(changed)) << i;
  }
}

TEST(Bech32, RejectsNonZeroPadding) {
  // Both strings carry the 5-bit groups of one 0xff byte with valid checksums (computed with
  // the BIP 173 reference algorithm); the second sets the two padding bits.
  auto ok = Bech32Decode("x1lu7rxnn5");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->data, Bytes{0xff});
  EXPECT_EQ(Bech32Encode("x", Bytes{0xff}), "x1lu7rxnn5");
  EXPECT_FALSE(Bech32Decode("x1llssn9at"));
}

}  // namespace
}  // namespace vigil

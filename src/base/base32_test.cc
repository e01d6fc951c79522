#include "base/base32.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

// RFC 4648 section 10, without the padding.
TEST(Base32, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base32Encode(AsBytes("")), "");
  EXPECT_EQ(Base32Encode(AsBytes("f")), "MY");
  EXPECT_EQ(Base32Encode(AsBytes("fo")), "MZXQ");
  EXPECT_EQ(Base32Encode(AsBytes("foo")), "MZXW6");
  EXPECT_EQ(Base32Encode(AsBytes("foob")), "MZXW6YQ");
  EXPECT_EQ(Base32Encode(AsBytes("fooba")), "MZXW6YTB");
  EXPECT_EQ(Base32Encode(AsBytes("foobar")), "MZXW6YTBOI");
}

TEST(Base32, DecodesWhatItEncodesAndRefusesTheRest) {
  for (std::string_view s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto back = Base32Decode(Base32Encode(AsBytes(s)));
    ASSERT_TRUE(back.has_value()) << s;
    EXPECT_EQ(std::string(back->begin(), back->end()), s);
  }
  EXPECT_FALSE(Base32Decode("mzxw6"));  // lower case
  EXPECT_FALSE(Base32Decode("MZXW6==="));
  EXPECT_FALSE(Base32Decode("MZ1"));
  EXPECT_FALSE(
      Base32Decode("MZ"
                   "Z"));  // non-zero padding bits
}

}  // namespace
}  // namespace vigil

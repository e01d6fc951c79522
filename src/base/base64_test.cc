#include "base/base64.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

// RFC 4648 section 10 test vectors.
struct Vector {
  const char* plain;
  const char* padded;
  const char* unpadded;
};
constexpr Vector kRfc4648[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

TEST(Base64, EncodesRfc4648Vectors) {
  for (const auto& v : kRfc4648) {
    EXPECT_EQ(Base64Encode(AsBytes(v.plain)), v.padded);
    EXPECT_EQ(Base64Encode(AsBytes(v.plain), Base64Padding::kUnpadded), v.unpadded);
  }
}

TEST(Base64, DecodesRfc4648Vectors) {
  for (const auto& v : kRfc4648) {
    auto padded = Base64Decode(v.padded);
    ASSERT_TRUE(padded) << v.padded;
    EXPECT_EQ(ToString(*padded), v.plain);
    auto unpadded = Base64Decode(v.unpadded, Base64Padding::kUnpadded);
    ASSERT_TRUE(unpadded) << v.unpadded;
    EXPECT_EQ(ToString(*unpadded), v.plain);
  }
}

TEST(Base64, RejectsPaddingInUnpaddedMode) {
  EXPECT_FALSE(Base64Decode("Zg==", Base64Padding::kUnpadded));
}

TEST(Base64, RejectsMissingPaddingInPaddedMode) { EXPECT_FALSE(Base64Decode("Zg")); }

TEST(Base64, RejectsNonCanonicalTrailingBits) {
  // "Zh" decodes to 'f' with non-zero unused bits.
  EXPECT_FALSE(Base64Decode("Zh", Base64Padding::kUnpadded));
  EXPECT_FALSE(Base64Decode("Zh=="));
}

TEST(Base64, RejectsImpossibleLengthAndBadCharacters) {
  EXPECT_FALSE(Base64Decode("Z", Base64Padding::kUnpadded));
  EXPECT_FALSE(Base64Decode("Zm9v\n", Base64Padding::kUnpadded));
  EXPECT_FALSE(Base64Decode("Zm-v", Base64Padding::kUnpadded));
  EXPECT_FALSE(Base64Decode("Zm 9", Base64Padding::kUnpadded));
  EXPECT_FALSE(Base64Decode("===="));
  EXPECT_FALSE(Base64Decode("Zg=a"));
}

TEST(Base64, RoundTripsAllLengths) {
  Bytes data;
  for (int n = 0; n < 70; ++n) {
    for (auto mode : {Base64Padding::kPadded, Base64Padding::kUnpadded}) {
      std::string text = Base64Encode(data, mode);
      EXPECT_EQ(text.size(), Base64EncodedLength(data.size(), mode));
      auto back = Base64Decode(text, mode);
      ASSERT_TRUE(back);
      EXPECT_EQ(*back, data);
    }
    data.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

}  // namespace
}  // namespace vigil

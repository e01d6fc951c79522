#include "base/hex.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(Hex, RoundTrips) {
  Bytes data = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(HexEncode(data), "0001abff");
  auto back = HexDecode("0001ABff");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, data);
}

TEST(Hex, RejectsOddLengthAndBadDigits) {
  EXPECT_EQ(HexDecode("abc").error().code, Errc::kInvalidArgument);
  EXPECT_EQ(HexDecode("zz").error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace vigil

#include "crypto/scrypt.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace vigil::crypto {
namespace {

TEST(Scrypt, IsDeterministicAndSaltSensitive) {
  auto a = Scrypt(AsBytes("password"), AsBytes("salt"), 10, 32);
  auto b = Scrypt(AsBytes("password"), AsBytes("salt"), 10, 32);
  auto c = Scrypt(AsBytes("password"), AsBytes("salu"), 10, 32);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(HexEncode(a->span()), HexEncode(b->span()));
  EXPECT_NE(HexEncode(a->span()), HexEncode(c->span()));
}

TEST(Scrypt, RejectsWorkFactorOutOfRange) {
  EXPECT_EQ(Scrypt(AsBytes("p"), AsBytes("s"), 0, 32).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(Scrypt(AsBytes("p"), AsBytes("s"), 64, 32).error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::crypto

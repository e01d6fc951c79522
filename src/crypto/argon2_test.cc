#include "crypto/argon2.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace vigil::crypto {
namespace {

std::string Raw(std::string_view password, std::string_view salt, Argon2Params params) {
  auto out = Argon2id(AsBytes(password), AsBytes(salt), params, 32);
  EXPECT_TRUE(out.has_value()) << out.error().ToString();
  return out.has_value() ? HexEncode(out->span()) : "";
}

// Expected values computed independently with the reference implementation's command-line
// tool (Debian package `argon2`): echo -n PASSWORD | argon2 SALT -id -t T -m LOG2KIB -p 1 -l 32 -r
TEST(Argon2id, MatchesTheReferenceImplementation) {
  EXPECT_EQ(Raw("password", "somesaltsomesalt", {2, 1 << 16}),
            "fc33b78139231d34b71626bd6245c1d72efa190ad605c3d8166a72adcedfa2c2");
  EXPECT_EQ(Raw("correct horse battery staple", "0123456789abcdef", {3, 1 << 16}),
            "94c86f541abdb3d9aabfea59aa03963549483e9c0b1a79336e76b54cee6c917e");
}

TEST(Argon2id, RefusesBadSaltAndCosts) {
  EXPECT_EQ(Argon2id(AsBytes("p"), AsBytes("short"), {}, 32).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(Argon2id(AsBytes("p"), AsBytes("0123456789abcdef"), {0, 1024}, 32).error().code,
            Errc::kInvalidArgument);
  EXPECT_EQ(Argon2id(AsBytes("p"), AsBytes("0123456789abcdef"), {}, 8).error().code,
            Errc::kInvalidArgument);
}

TEST(Argon2idString, VerifiesOnlyTheRightPassword) {
  Argon2Params cheap{1, 8 * 1024};
  auto hash = Argon2idHashString(AsBytes("secret"), cheap);
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=8192,t=1,p=1$"));
  EXPECT_TRUE(Argon2idVerifyString(*hash, AsBytes("secret")));
  EXPECT_FALSE(Argon2idVerifyString(*hash, AsBytes("secreT")));
  EXPECT_FALSE(Argon2idVerifyString("", AsBytes("secret")));
  EXPECT_FALSE(Argon2idVerifyString("$argon2i$v=19$m=8192,t=1,p=1$AAAA$AAAA", AsBytes("secret")));
  EXPECT_FALSE(Argon2idVerifyString(std::string(500, '$'), AsBytes("secret")));
  // Two hashes of one password differ (random salts).
  EXPECT_NE(*hash, *Argon2idHashString(AsBytes("secret"), cheap));
}

}  // namespace
}  // namespace vigil::crypto

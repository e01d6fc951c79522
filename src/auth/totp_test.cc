#include "auth/totp.h"

#include <gtest/gtest.h>

namespace vigil::auth {
namespace {

// RFC 6238 appendix B, the SHA-1 rows (seed "12345678901234567890", eight digits).
TEST(Totp, MatchesRfc6238Vectors) {
  ByteSpan seed = AsBytes("12345678901234567890");
  struct Row {
    std::uint64_t time;
    const char* code;
  };
  for (Row row :
       {Row{59, "94287082"}, Row{1111111109, "07081804"}, Row{1111111111, "14050471"},
        Row{1234567890, "89005924"}, Row{2000000000, "69279037"}, Row{20000000000, "65353130"}})
    EXPECT_EQ(TotpCode(seed, row.time / 30, 8), row.code) << row.time;
}

TEST(Totp, SixDigitCodesAreTheLastSixOfTheEightDigitOnes) {
  ByteSpan seed = AsBytes("12345678901234567890");
  EXPECT_EQ(TotpCode(seed, 59 / 30), "287082");
  EXPECT_EQ(TotpCode(seed, 1111111109 / 30), "081804");
}

TEST(Totp, MatchesWithinOneStepAndOnlyOnce) {
  ByteSpan seed = AsBytes("12345678901234567890");
  const std::int64_t now = 1'700'000'000;
  const std::uint64_t step = now / 30;
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step), now, 0), step);
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step - 1), now, 0), step - 1);
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step + 1), now, 0), step + 1);
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step - 2), now, 0), std::nullopt);
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step + 2), now, 0), std::nullopt);
  // A code already used (or older than one used) is refused: no replay.
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step), now, step), std::nullopt);
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step - 1), now, step), std::nullopt);
  EXPECT_EQ(MatchTotp(seed, "12345", now, 0), std::nullopt);
  EXPECT_EQ(MatchTotp(seed, "", now, 0), std::nullopt);
}

TEST(Totp, OtpauthUriCarriesTheBase32SeedAndEncodesLabels) {
  EXPECT_EQ(OtpauthUri(AsBytes("foobar"), "Vigil NGO", "a&b"),
            "otpauth://totp/Vigil%20NGO:a%26b?secret=MZXW6YTBOI&issuer=Vigil%20NGO"
            "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace vigil::auth

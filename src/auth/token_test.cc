#include "auth/token.h"

#include <gtest/gtest.h>

#include "testing/seeded_random.h"

namespace vigil::auth {
namespace {

TEST(Token, IsSixtyFourHexDigitsAndHashesWithContext) {
  testing::SeededRandom random(1);
  std::string token = NewToken(random);
  EXPECT_TRUE(IsWellFormedToken(token));
  EXPECT_NE(NewToken(random), token);
  EXPECT_EQ(TokenHash(token).size(), 64u);
  EXPECT_NE(TokenHash(token), TokenHash(NewToken(random)));
  EXPECT_FALSE(IsWellFormedToken(token.substr(1)));
  EXPECT_FALSE(IsWellFormedToken(std::string(64, 'A')));
  EXPECT_FALSE(IsWellFormedToken("../" + token.substr(3)));
}

}  // namespace
}  // namespace vigil::auth

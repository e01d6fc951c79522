#include "auth/passphrase.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "testing/seeded_random.h"

namespace vigil::auth {
namespace {

std::string Text(const SecretBytes& s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

TEST(WordList, IsTheEffLargeList) {
  auto words = WordList();
  ASSERT_EQ(words.size(), 7776u);
  EXPECT_EQ(words.front(), "abacus");
  EXPECT_EQ(words.back(), "zoom");
  std::set<std::string_view> distinct(words.begin(), words.end());
  EXPECT_EQ(distinct.size(), 7776u);
}

TEST(GeneratePassphrase, GivesListWordsSeparatedBySpaces) {
  testing::SeededRandom random(7);
  std::string a = Text(GeneratePassphrase(random));
  std::string b = Text(GeneratePassphrase(random));
  EXPECT_NE(a, b);
  EXPECT_EQ(CountListWords(a), 8u) << a;
  EXPECT_EQ(CountListWords(Text(GeneratePassphrase(random, 6))), 6u);
}

TEST(GeneratePassphrase, UsesEveryPartOfTheList) {
  // 20,000 draws: each quarter of the list gets about 5,000; a biased or truncated index
  // would leave one far off.
  testing::SeededRandom random(3);
  std::array<int, 4> quarters{};
  auto words = WordList();
  for (int i = 0; i < 2500; ++i) {
    std::string phrase = Text(GeneratePassphrase(random));
    std::size_t at = 0;
    while (at <= phrase.size()) {
      std::size_t end = phrase.find(' ', at);
      if (end == std::string::npos) end = phrase.size();
      auto it = std::lower_bound(words.begin(), words.end(), phrase.substr(at, end - at));
      ++quarters[(it - words.begin()) * 4 / words.size()];
      at = end + 1;
    }
  }
  for (int count : quarters) EXPECT_NEAR(count, 5000, 400);
}

TEST(NormalizePassphrase, TrimsCollapsesSpacesAndLowersAsciiOnly) {
  EXPECT_EQ(Text(NormalizePassphrase("  Abacus\t\tZOOM\r\nyo-yo  ")), "abacus zoom yo-yo");
  EXPECT_EQ(Text(NormalizePassphrase("")), "");
  EXPECT_EQ(Text(NormalizePassphrase(" \n ")), "");
  EXPECT_EQ(Text(NormalizePassphrase("\xc3\x89t\xc3\xa9")), "\xc3\x89t\xc3\xa9");
}

TEST(CountListWords, IsZeroWhenAnyWordIsNotInTheList) {
  EXPECT_EQ(CountListWords("abacus zoom"), 2u);
  EXPECT_EQ(CountListWords("abacus zoomz"), 0u);
  EXPECT_EQ(CountListWords(""), 0u);
}

}  // namespace
}  // namespace vigil::auth

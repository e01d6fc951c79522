#include "crypto/age/keys.h"

#include <gtest/gtest.h>

namespace vigil::age {
namespace {

// The example identity and recipient of the C2SP age specification, "The X25519 recipient type".
constexpr char kSpecIdentity[] =
    "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
constexpr char kSpecRecipient[] = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

TEST(AgeKeys, SpecExampleIdentityGivesSpecRecipient) {
  auto identity = X25519Identity::Parse(kSpecIdentity);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->ToRecipient().ToString(), kSpecRecipient);
  EXPECT_EQ(identity->Encode().chars(), kSpecIdentity);
  auto recipient = X25519Recipient::Parse(kSpecRecipient);
  ASSERT_TRUE(recipient);
  EXPECT_EQ(recipient->ToString(), kSpecRecipient);
}

TEST(AgeKeys, RejectsWrongCaseWrongPrefixAndBadChecksum) {
  std::string lower = kSpecIdentity;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  EXPECT_FALSE(X25519Identity::Parse(lower));
  EXPECT_FALSE(X25519Identity::Parse(kSpecRecipient));
  EXPECT_FALSE(X25519Recipient::Parse(kSpecIdentity));
  std::string bad = kSpecRecipient;
  bad[10] = bad[10] == 'q' ? 'p' : 'q';
  EXPECT_FALSE(X25519Recipient::Parse(bad));
}

TEST(AgeKeys, ParsesIdentityFilesWithCommentsAndNamesBadLinesByNumber) {
  std::string file = std::string("# created: today\n# public key: x\n\n") + kSpecIdentity + "\r\n";
  auto ids = ParseIdentityFile(file);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->size(), 1u);
  auto bad = ParseIdentityFile(std::string("# c\n") + kSpecIdentity + "\nAGE-SECRET-KEY-1NOPE\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().detail, "line 3 is not a valid identity");
  EXPECT_FALSE(ParseIdentityFile("# only comments\n"));
  auto rs = ParseRecipientsFile(std::string(kSpecRecipient) + "\n# another\n");
  ASSERT_TRUE(rs);
  EXPECT_EQ(rs->size(), 1u);
}

}  // namespace
}  // namespace vigil::age

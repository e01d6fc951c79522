#include "crypto/age/header.h"

#include <gtest/gtest.h>

namespace vigil::age {
namespace {

Result<Header> Parse(std::string_view text, HeaderLimits limits = {}) {
  MemorySource mem(AsBytes(text));
  BufferedSource in(mem);
  return ParseHeader(in, limits);
}

const std::string kMac = "--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n";

TEST(AgeHeader, EncodesBodiesWrappedAt64ColumnsWithShortFinalLine) {
  Stanza s{"test", {"a", "b"}, Bytes(48, 0xff)};  // exactly 64 base64 columns
  std::string text = EncodeHeaderWithoutMac({s});
  EXPECT_EQ(text, "age-encryption.org/v1\n-> test a b\n" + std::string(64, '/') + "\n\n---");
  auto parsed = Parse(text + kMac.substr(3));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->stanzas.size(), 1u);
  EXPECT_EQ(parsed->stanzas[0].type, "test");
  EXPECT_EQ(parsed->stanzas[0].args, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed->stanzas[0].body, s.body);
  EXPECT_EQ(parsed->signed_part, text);
}

TEST(AgeHeader, RejectsEachMalformation) {
  const std::string v = "age-encryption.org/v1\n";
  const char* bad[] = {
      "age-encryption.org/v2\n-> a\n\n",  // version
      "-> a\n\n",                         // no version
      "",                                 // empty
  };
  for (const char* b : bad)
    EXPECT_EQ(Parse(std::string(b) + kMac).error().code, Errc::kMalformed) << b;
  std::string cases[] = {
      v + kMac,                                                          // no stanza
      v + "->  a\n\n" + kMac,                                            // empty argument
      v + "-> a \n\n" + kMac,                                            // trailing space
      v + "-> \n\n" + kMac,                                              // no arguments
      v + "-> a\nZm9v=\n" + kMac,                                        // padding in body
      v + "-> a\nZh\n" + kMac,                                           // non-canonical body
      v + "-> a\n" + std::string(65, 'A') + "\n\n" + kMac,               // long body line
      v + "-> a\n" + std::string(64, 'A') + "\n" + kMac,                 // no final short line
      v + "-> a\r\n\n" + kMac,                                           // CR
      v + "-> a\n\n--- short\n",                                         // truncated MAC
      v + "-> a\n\n---WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n",    // no space
      v + "-> a\n\n---  WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n",  // two spaces
      v + "-> a\n\n" + "x",                                              // garbage line
      v + "-> a\n",                                                      // ends inside stanza
  };
  for (const auto& c : cases) EXPECT_EQ(Parse(c).error().code, Errc::kMalformed) << c;
}

TEST(AgeHeader, EnforcesSizeLimits) {
  std::string text = "age-encryption.org/v1\n";
  for (int i = 0; i < 20; ++i) text += "-> a\n\n";
  text += kMac;
  HeaderLimits tight;
  tight.max_stanzas = 10;
  EXPECT_EQ(Parse(text, tight).error().code, Errc::kMalformed);
  tight = {};
  tight.max_header_bytes = 100;
  EXPECT_EQ(Parse(text, tight).error().code, Errc::kMalformed);
  EXPECT_TRUE(Parse(text));
  std::string long_arg = "age-encryption.org/v1\n-> " + std::string(5000, 'a') + "\n\n" + kMac;
  EXPECT_EQ(Parse(long_arg).error().code, Errc::kMalformed);
}

}  // namespace
}  // namespace vigil::age

#include "http/tus.h"

#include <gtest/gtest.h>

#include <string>

#include "base/base64.h"

namespace vigil::http {
namespace {

using namespace std::chrono;

TEST(Tus, OnlyVersion100IsSupported) {
  EXPECT_TRUE(IsSupportedTusVersion("1.0.0"));
  for (std::string_view v : {"", "1.0", "1.0.0 ", " 1.0.0", "0.2.2", "1.0.0,0.2.2", "1.0.1"})
    EXPECT_FALSE(IsSupportedTusVersion(v)) << v;
}

TEST(Tus, ParsesUploadLengthAndOffset) {
  struct Case {
    std::string_view text;
    std::uint64_t value;
  };
  const Case good[] = {
      {"0", 0},
      {"1", 1},
      {"100", 100},
      {"2147483648", 2147483648u},
      {"9999999999999999999", 9999999999999999999u},  // 19 digits, the longest accepted
  };
  for (const Case& c : good) {
    auto length = ParseUploadLength(c.text);
    ASSERT_TRUE(length) << c.text;
    EXPECT_EQ(*length, c.value);
    auto offset = ParseUploadOffset(c.text);
    ASSERT_TRUE(offset) << c.text;
    EXPECT_EQ(*offset, c.value);
  }
}

TEST(Tus, RejectsHostileUploadLengthAndOffset) {
  const std::string_view bad[] = {
      "",
      "-1",
      "+1",
      "1 2",
      " 1",
      "1 ",
      "1\t",
      "00",
      "007",
      "1.0",
      "1e3",
      "0x10",
      "12345678901234567890",  // 20 digits
      "18446744073709551615",  // 2^64 - 1: 20 digits
      "18446744073709551616",  // 2^64
      "99999999999999999999999999",
      "١٢٣",  // Arabic-Indic digits
      std::string_view("1\0", 2),
  };
  for (std::string_view text : bad) {
    auto length = ParseUploadLength(text);
    ASSERT_FALSE(length) << testing::PrintToString(text);
    EXPECT_EQ(length.error().code, Errc::kInvalidArgument);
    auto offset = ParseUploadOffset(text);
    ASSERT_FALSE(offset) << testing::PrintToString(text);
    EXPECT_EQ(offset.error().code, Errc::kInvalidArgument);
  }
}

TEST(Tus, ParsesUploadMetadata) {
  // The example of the tus 1.0.0 creation extension.
  auto m = ParseUploadMetadata("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential");
  ASSERT_TRUE(m);
  EXPECT_EQ(*m,
            (UploadMetadata{{"filename", "world_domination_plan.pdf"}, {"is_confidential", ""}}));

  m = ParseUploadMetadata("b Yg==, a YQ== ,\tempty ,c AAE=");
  ASSERT_TRUE(m);
  EXPECT_EQ(
      *m, (UploadMetadata{{"b", "b"}, {"a", "a"}, {"empty", ""}, {"c", std::string("\0\x01", 2)}}));

  m = ParseUploadMetadata("k!#$%&'*+-.^_`|~:;<=>?@[]{}\"/\\ dg==");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at(0).second, "v");
}

TEST(Tus, RejectsMalformedUploadMetadata) {
  const std::string_view bad[] = {
      "",
      " ",
      ",",
      "a YQ==,",         // empty pair at the end
      "a YQ==,,b Yg==",  // empty pair inside
      ",a YQ==",
      "a YQ==, ",         // empty pair after white space
      "a YQ==,a Yg==",    // repeated key
      "a,a",              // repeated key without values
      "a YQ",             // unpadded
      "a YQ=",            // bad padding
      "a YR==",           // non-canonical trailing bits
      "a Y Q==",          // space inside the value
      "a  YQ==",          // two spaces
      "a\tYQ==",          // tab as separator
      "a Y-_=",           // URL-safe alphabet
      "a@\xc3\xa9 YQ==",  // non-ASCII key
      "a\x01 YQ==",       // control character in the key
      "a YQ==;b Yg==",    // wrong separator
  };
  for (std::string_view text : bad) {
    auto m = ParseUploadMetadata(text);
    ASSERT_FALSE(m) << testing::PrintToString(text);
    EXPECT_EQ(m.error().code, Errc::kInvalidArgument) << testing::PrintToString(text);
  }
}

TEST(Tus, UploadMetadataLimitsAreResourceExhausted) {
  std::string pairs;
  for (int i = 0; i < 32; ++i) pairs += (i ? ",k" : "k") + std::to_string(i) + " YQ==";
  auto m = ParseUploadMetadata(pairs);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->size(), 32u);
  m = ParseUploadMetadata(pairs + ",k32");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Errc::kResourceExhausted);

  // 4096 bytes in all: "k " and 4094 characters of base64 would not be padded right, so use a
  // value of 3069 bytes (4092 characters) and a two-byte key.
  std::string value(3069, 'x');
  std::string text = "kk " + Base64Encode(AsBytes(value));
  text += ",z";
  ASSERT_EQ(text.size(), 4097u);
  m = ParseUploadMetadata(text);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Errc::kResourceExhausted);
  text.pop_back();
  text.pop_back();
  text.insert(0, "k");
  ASSERT_EQ(text.size(), 4096u);
  m = ParseUploadMetadata(text);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at(0).second, value);
}

// SHA-256("hello world") = b94d27b9...e2efcde9, in base64.
constexpr std::string_view kHelloWorldSha256 = "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=";

TEST(Tus, ParsesSha256UploadChecksum) {
  auto c = ParseUploadChecksum("sha256 " + std::string(kHelloWorldSha256));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->algorithm, "sha256");
  EXPECT_EQ(Base64Encode(c->digest), kHelloWorldSha256);
  EXPECT_EQ(c->digest[0], 0xb9);
  EXPECT_EQ(c->digest[31], 0xe9);
}

TEST(Tus, OtherChecksumAlgorithmsAreFailedPrecondition) {
  // The example of the tus 1.0.0 checksum extension: sha1 of "hello world".
  for (std::string_view text : {"sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", "md5 XrY7u+Ae7tCTyyK7j1rNww==",
                                "sha512 AAAA", "crc32 DUoRhQ=="}) {
    auto c = ParseUploadChecksum(text);
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error().code, Errc::kFailedPrecondition) << text;
  }
}

TEST(Tus, RejectsMalformedUploadChecksum) {
  const std::string good(kHelloWorldSha256);
  const std::string bad[] = {
      "",
      "sha256",
      "sha256 ",
      " " + good,
      "sha256  " + good,       // two spaces
      "sha256 " + good + " ",  // trailing space
      "SHA256 " + good,        // upper case is not an algorithm name
      "Sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=",
      "sha256\t" + good,
      "sha256 " + good.substr(0, 43),                         // unpadded
      "sha256 uU0nuZNNPgilLlLX2n2r-sSE7-N6U4DukIj3rOLvzek=",  // URL-safe
      "sha256 uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzel=",  // non-canonical
      "sha256 Kq5sNclPz7QV2+lfQIuc6R7oRu0=",                  // 20 bytes
      "sha256 " + good + good,                                // 64 bytes
      "sha256 !!!!",
      std::string(33, 'a') + " " + good,  // algorithm name too long
      "md5 not base64",
  };
  for (const std::string& text : bad) {
    auto c = ParseUploadChecksum(text);
    ASSERT_FALSE(c) << testing::PrintToString(text);
    EXPECT_EQ(c.error().code, Errc::kInvalidArgument) << testing::PrintToString(text);
  }
}

TEST(Tus, FormatsImfFixdate) {
  struct Case {
    sys_seconds time;
    std::string_view text;
  };
  const Case cases[] = {
      {sys_days{2026y / November / 25} + 2h, "Wed, 25 Nov 2026 02:00:00 GMT"},
      {sys_days{1994y / November / 6} + 8h + 49min + 37s, "Sun, 06 Nov 1994 08:49:37 GMT"},
      {sys_seconds{}, "Thu, 01 Jan 1970 00:00:00 GMT"},
      {sys_days{2024y / February / 29} + 23h + 59min + 59s, "Thu, 29 Feb 2024 23:59:59 GMT"},
      {sys_days{1969y / December / 31} + 12h, "Wed, 31 Dec 1969 12:00:00 GMT"},
      {sys_days{2000y / March / 1}, "Wed, 01 Mar 2000 00:00:00 GMT"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatHttpDate(c.time), c.text);
  // Sub-second parts are dropped, toward the past also before 1970.
  EXPECT_EQ(FormatHttpDate(sys_days{2026y / November / 25} + 2h + 999ms),
            "Wed, 25 Nov 2026 02:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(system_clock::time_point{} - 1ms), "Wed, 31 Dec 1969 23:59:59 GMT");
}

}  // namespace
}  // namespace vigil::http

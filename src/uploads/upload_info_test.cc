#include "uploads/upload_info.h"

#include <gtest/gtest.h>

namespace vigil::uploads {
namespace {

TEST(UploadInfo, RoundTripsInProgressAndFinished) {
  UploadInfo open{1000, 300, 1767225600, std::nullopt};
  std::string text = FormatUploadInfo(open);
  EXPECT_EQ(text, "vigil upload v1\nlength 1000\noffset 300\nexpires 1767225600\n");
  auto parsed = ParseUploadInfo(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->length, 1000u);
  EXPECT_EQ(parsed->offset, 300u);
  EXPECT_EQ(parsed->expires, 1767225600);
  EXPECT_FALSE(parsed->sha256);

  crypto::Sha256Digest digest{};
  digest[0] = 0xab;
  digest[31] = 0x01;
  UploadInfo done{1000, 1000, 5, digest};
  auto again = ParseUploadInfo(FormatUploadInfo(done));
  ASSERT_TRUE(again);
  ASSERT_TRUE(again->sha256);
  EXPECT_EQ(*again->sha256, digest);
}

TEST(UploadInfo, RefusesEverythingButTheCanonicalForm) {
  const std::string hex(64, 'a');
  const char* bad[] = {
      "",
      "vigil upload v1\nlength 10\noffset 0\nexpires 1\n\n",
      "vigil upload v2\nlength 10\noffset 0\nexpires 1\n",
      "vigil upload v1\nlength 10\noffset 0\nexpires 1",     // unterminated
      "vigil upload v1\nlength 010\noffset 0\nexpires 1\n",  // leading zero
      "vigil upload v1\nlength 10\noffset 11\nexpires 1\n",  // offset past the length
      "vigil upload v1\nlength +10\noffset 0\nexpires 1\n",  // sign
      "vigil upload v1\nlength  10\noffset 0\nexpires 1\n",  // two spaces
      "vigil upload v1\noffset 0\nlength 10\nexpires 1\n",   // order
      "vigil upload v1\nlength 10\noffset 0\nexpires 99999999999999999999\n",
      "vigil upload v1\nlength 10\noffset 0\nexpires 1\nsha256 zz\n",
  };
  for (const char* text : bad)
    EXPECT_EQ(ParseUploadInfo(text).error().code, Errc::kCorrupt) << text;
  // A digest before the last byte, and an upper-case one.
  EXPECT_FALSE(
      ParseUploadInfo("vigil upload v1\nlength 10\noffset 9\nexpires 1\nsha256 " + hex + "\n"));
  EXPECT_FALSE(ParseUploadInfo("vigil upload v1\nlength 10\noffset 10\nexpires 1\nsha256 " +
                               std::string(64, 'A') + "\n"));
  EXPECT_TRUE(
      ParseUploadInfo("vigil upload v1\nlength 10\noffset 10\nexpires 1\nsha256 " + hex + "\n"));
}

}  // namespace
}  // namespace vigil::uploads

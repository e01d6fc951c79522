#include "translog/entry.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace vigil::translog {
namespace {

Entry Sample() {
  Entry e;
  e.type = EntryType::kAttachment;
  for (std::size_t i = 0; i < e.object_id.size(); ++i)
    e.object_id[i] = static_cast<std::uint8_t>(i);
  for (std::size_t i = 0; i < e.blob_sha256.size(); ++i)
    e.blob_sha256[i] = static_cast<std::uint8_t>(0xa0 + i);
  e.blob_size = 0x0102030405060708ull;
  e.hour = 0x00070809;
  e.actor.fill(0xee);
  return e;
}

TEST(LogEntry, EncodesTheDocumentedLayout) {
  // The byte layout of docs/formats/entries.md, field by field.
  EXPECT_EQ(HexEncode(EncodeEntry(Sample())),
            "0103"
            "000102030405060708090a0b0c0d0e0f"
            "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
            "0102030405060708"
            "00070809"
            "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
}

TEST(LogEntry, RoundTripsAndRejectsMalformedBytes) {
  Bytes bytes = EncodeEntry(Sample());
  ASSERT_EQ(bytes.size(), kEntrySize);
  EXPECT_EQ(*DecodeEntry(bytes), Sample());
  Bytes short_bytes(bytes.begin(), bytes.end() - 1);
  EXPECT_EQ(DecodeEntry(short_bytes).error().code, Errc::kMalformed);
  Bytes bad_version = bytes;
  bad_version[0] = 2;
  EXPECT_EQ(DecodeEntry(bad_version).error().code, Errc::kMalformed);
  Bytes bad_type = bytes;
  bad_type[1] = 0;
  EXPECT_EQ(DecodeEntry(bad_type).error().code, Errc::kMalformed);
  bad_type[1] = 16;
  EXPECT_EQ(DecodeEntry(bad_type).error().code, Errc::kMalformed);
}

TEST(LogEntry, CoarseHourRoundsDown) {
  using namespace std::chrono;
  EXPECT_EQ(CoarseHour(system_clock::time_point(seconds(3600 * 5 + 3599))), 5u);
  EXPECT_EQ(CoarseHour(system_clock::time_point(seconds(-10))), 0u);
}

}  // namespace
}  // namespace vigil::translog

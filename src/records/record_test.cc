#include "records/record.h"

#include <gtest/gtest.h>

namespace vigil::records {
namespace {

std::string AsText(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(Record, BuildsTheDocumentedBytes) {
  Bytes payload = ToBytes("age-encryption.org/v1\n...");
  Bytes bytes = RecordBuilder("report").Add("id", "00ff").Add("attachment", "a 1").Finish(payload);
  EXPECT_EQ(AsText(bytes),
            "vigil-record/v1\ntype report\nid 00ff\nattachment a 1\n\nage-encryption.org/v1\n...");
}

TEST(Record, ParsesWhatItBuilds) {
  Bytes payload = {0, 1, 2, '\n', '\n', 255};
  Bytes bytes = RecordBuilder("reply")
                    .Add("id", "abc")
                    .Add("attachment", "x")
                    .Add("attachment", "y")
                    .Finish(payload);
  auto record = ParseRecord(bytes);
  ASSERT_TRUE(record) << record.error().ToString();
  EXPECT_EQ(record->type(), "reply");
  EXPECT_EQ(*record->One("id"), "abc");
  EXPECT_EQ(record->All("attachment"), (std::vector<std::string_view>{"x", "y"}));
  EXPECT_EQ(record->One("attachment").error().code, Errc::kInvalidArgument);
  EXPECT_EQ(record->One("missing").error().code, Errc::kInvalidArgument);
  EXPECT_EQ(*record->Optional("missing"), "");
  EXPECT_EQ(record->payload, payload);

  auto header = ParseRecordHeader(bytes);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->second, bytes.size() - payload.size());
  EXPECT_TRUE(header->first.payload.empty());
}

TEST(Record, EmptyPayloadIsAllowed) {
  auto record = ParseRecord(RecordBuilder("settings").Add("key", "v").Finish());
  ASSERT_TRUE(record);
  EXPECT_TRUE(record->payload.empty());
}

TEST(Record, RejectsMalformedHeaders) {
  const char* bad[] = {
      "",
      "vigil-record/v2\ntype x\n\n",
      "vigil-record/v1\n\n",                        // no type
      "vigil-record/v1\nid 1\ntype x\n\n",          // type not first
      "vigil-record/v1\ntype x\ntype y\n\n",        // two types
      "vigil-record/v1\ntype x\n",                  // no empty line
      "vigil-record/v1\ntype x\nkey\n\n",           // no value
      "vigil-record/v1\ntype x\nKey v\n\n",         // upper-case key
      "vigil-record/v1\ntype x\nkey  v\n\n",        // leading space in the value
      "vigil-record/v1\ntype x\nkey v \n\n",        // trailing space
      "vigil-record/v1\ntype x\nkey v\tw\n\n",      // control character
      "vigil-record/v1\r\ntype x\n\n",              // CR
      "vigil-record/v1\ntype x\nkey \xc3\xa9\n\n",  // non-ASCII
  };
  for (const char* text : bad) {
    auto record = ParseRecord(ToBytes(text));
    ASSERT_FALSE(record) << text;
    EXPECT_EQ(record.error().code, Errc::kMalformed) << text;
  }
}

TEST(Record, EnforcesLimits) {
  RecordLimits limits;
  limits.max_fields = 3;
  RecordBuilder builder("x");
  builder.Add("a", "1").Add("b", "2");
  EXPECT_TRUE(ParseRecord(builder.Finish(), limits));
  builder.Add("c", "3");
  EXPECT_EQ(ParseRecord(builder.Finish(), limits).error().code, Errc::kMalformed);

  limits = {};
  limits.max_header_bytes = 40;
  Bytes long_header = RecordBuilder("x").Add("key", std::string(40, 'v')).Finish();
  EXPECT_EQ(ParseRecord(long_header, limits).error().code, Errc::kMalformed);
}

}  // namespace
}  // namespace vigil::records

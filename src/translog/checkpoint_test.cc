#include "translog/checkpoint.h"

#include <gtest/gtest.h>

#include <string>

#include "base/base64.h"
#include "crypto/sha256.h"
#include "testing/seeded_random.h"
#include "testing/value_of.h"

namespace vigil::translog {
namespace {

using vigil::testing::ValueOf;

// Vector from C2SP tlog-checkpoint.md (the log key is not published: body parsing only).
constexpr std::string_view kSofaBody =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

// Vector from golang.org/x/mod sumdb/tlog/note_test.go (TestFormatTree, TestParseTree): the root
// is RecordHash("hello world") = SHA-256(0x00 || "hello world").
constexpr std::string_view kGoTreeBody =
    "go.sum database tree\n"
    "123456789012\n"
    "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";

// Vector from transparency-dev/formats log/note_test.go (TestSumDBNoteParsing): a real checkpoint
// of the Go checksum database and its log key.
constexpr std::string_view kSumDbVkey =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
constexpr std::string_view kSumDbNote =
    "go.sum database tree\n"
    "6476701\n"
    "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n"
    "\n"
    "\xE2\x80\x94 sum.golang.org "
    "Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw="
    "\n";

crypto::Sha256Digest Root(std::string_view b64) {
  auto raw = Base64Decode(b64);
  EXPECT_TRUE(raw && raw->size() == 32);
  crypto::Sha256Digest out{};
  if (raw && raw->size() == 32) std::copy(raw->begin(), raw->end(), out.begin());
  return out;
}

TEST(Checkpoint, ParsesTheSpecExample) {
  auto cp = ParseCheckpoint(kSofaBody);
  ASSERT_TRUE(cp) << cp.error().ToString();
  EXPECT_EQ(cp->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(cp->size, 20852163u);
  EXPECT_EQ(cp->root_hash, Root("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
  EXPECT_TRUE(cp->extensions.empty());
}

TEST(Checkpoint, FormatsAndParsesTheGoTreeVector) {
  std::string record = std::string(1, '\0') + "hello world";
  Checkpoint cp{"go.sum database tree", 123456789012u, crypto::Sha256(AsBytes(record)), {}};
  auto text = FormatCheckpoint(cp);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, kGoTreeBody);
  auto parsed = ParseCheckpoint(kGoTreeBody);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, cp);
}

TEST(Checkpoint, KeepsExtensionLinesAndRoundTrips) {
  const std::string body = std::string(kSofaBody) + "ext one\n\xE2\x9C\x93 two\n";
  auto cp = ParseCheckpoint(body);
  ASSERT_TRUE(cp) << cp.error().ToString();
  EXPECT_EQ(cp->extensions, (std::vector<std::string>{"ext one", "\xE2\x9C\x93 two"}));
  auto again = FormatCheckpoint(*cp);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, body);
}

TEST(Checkpoint, AcceptsTheSizeBounds) {
  auto zero = ParseCheckpoint("o\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->size, 0u);
  auto max =
      ParseCheckpoint("o\n18446744073709551615\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  ASSERT_TRUE(max);
  EXPECT_EQ(max->size, UINT64_MAX);
  EXPECT_EQ(ValueOf(FormatCheckpoint(*max)),
            "o\n18446744073709551615\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
}

TEST(Checkpoint, RejectsEveryMalformation) {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  const std::string cases[] = {
      // x/mod sumdb/tlog TestParseTree: hex size, and a root that is not 32 bytes.
      "go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
      "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n",
      // transparency-dev/formats log/checkpoint_test.go TestUnmarshalLogState.
      "Head\n9944\n", "\n9944\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
      "Log\n123\nYmFuYW5hcw==", "Log\nbananas\n" + root + "\n", "Log\n-34\n" + root + "\n",
      "Log\n3438945738945739845734895735\n" + root + "\n", "Log\n123\nThisIsn'tBase64\n",
      // Our own: each rule of the tlog-checkpoint note text.
      "", "\n", "Log\n123\n",
      "Log\n123\n" + root,          // no final newline
      "Log\n0123\n" + root + "\n",  // leading zero
      "Log\n00\n" + root + "\n", "Log\n+1\n" + root + "\n", "Log\n 1\n" + root + "\n",
      "Log\n1 \n" + root + "\n",
      "Log\n\n" + root + "\n",                                   // empty size
      "Log\n18446744073709551616\n" + root + "\n",               // 2^64
      "Log\n1\n" + root.substr(0, 43) + "\n",                    // unpadded
      "Log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",  // non-canonical trailing bits
      "Log\n1\nYmFuYW5hcw==\n",                                  // 7 bytes
      "Log\n1\n" + std::string(44, 'A') + "\n",                  // 33 bytes
      "Log\n1\n" + root + "\n\n",        // empty extension line (trailing blank)
      "Log\n1\n" + root + "\nx\n\ny\n",  // empty extension line inside
      "Log\r\n1\n" + root + "\n",        // CR
      "L\x01g\n1\n" + root + "\n",       // control character
      "L\xffg\n1\n" + root + "\n",       // not UTF-8
  };
  for (const std::string& c : cases) {
    auto cp = ParseCheckpoint(c);
    ASSERT_FALSE(cp) << c;
    EXPECT_EQ(cp.error().code, Errc::kMalformed) << c;
  }
}

TEST(Checkpoint, FormatRefusesLinesThatWouldNotParse) {
  Checkpoint good{"vigil.example.org/log", 3, {}, {}};
  ASSERT_TRUE(FormatCheckpoint(good));
  Checkpoint cases[] = {good, good, good, good, good};
  cases[0].origin = "";
  cases[1].origin = "two\nlines";
  cases[2].extensions = {""};
  cases[3].extensions = {"a\nb"};
  cases[4].origin = "bad\x01";
  for (const Checkpoint& c : cases)
    EXPECT_EQ(FormatCheckpoint(c).error().code, Errc::kInvalidArgument);
}

TEST(Checkpoint, AcceptsAnyNonEmptyOriginFromOtherLogs) {
  // The spec forbids clients to assume the recommended origin form: the Go checksum database's
  // origin holds spaces.
  auto cp =
      ParseCheckpoint(" spaced + odd origin \n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->origin, " spaced + odd origin ");
}

TEST(LogOrigin, VigilOriginsAreKeyNamesOfAtMost255Bytes) {
  EXPECT_TRUE(ValidateLogOrigin("vigil.example.org/log"));
  EXPECT_TRUE(ValidateLogOrigin(std::string(255, 'a')));
  const std::string bad[] = {"",
                             std::string(256, 'a'),
                             " vigil.example.org/log",
                             "vigil.example.org/log ",
                             "vigil example",
                             "vigil.example.org+log",
                             "go.sum database tree",
                             "tab\there",
                             "nbsp\xC2\xA0here",
                             "bad\xff"};
  for (const std::string& o : bad)
    EXPECT_EQ(ValidateLogOrigin(o).error().code, Errc::kInvalidArgument) << o;
}

TEST(OpenCheckpoint, OpensTheGoChecksumDatabaseCheckpoint) {
  auto key = ParseVerifierKey(kSumDbVkey);
  ASSERT_TRUE(key);
  auto opened = OpenCheckpoint(kSumDbNote, "go.sum database tree", *key);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(opened->checkpoint.origin, "go.sum database tree");
  EXPECT_EQ(opened->checkpoint.size, 6476701u);
  EXPECT_EQ(opened->checkpoint.root_hash, Root("mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk="));
  EXPECT_EQ(opened->note.signatures.size(), 1u);

  // transparency-dev/formats "wrong logID": a good signature for another origin is refused.
  auto wrong = OpenCheckpoint(kSumDbNote, "Go rocks but I might have the wrong ID", *key);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::kUnauthenticated);
}

class SignedCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vigil::testing::SeededRandom random(42);
    auto key = GenerateSignerKey("vigil.example.org/log", random);
    ASSERT_TRUE(key);
    log_key_ = std::make_unique<SignerKey>(std::move(*key));
    Checkpoint cp{"vigil.example.org/log", 1234, crypto::Sha256(AsBytes("root")), {}};
    auto body = FormatCheckpoint(cp);
    ASSERT_TRUE(body);
    auto note = SignNote(*body, *log_key_);
    ASSERT_TRUE(note);
    note_ = ValueOf(FormatNote(*note));
  }

  Result<SignedCheckpoint> Open(std::string_view bytes) {
    return OpenCheckpoint(bytes, "vigil.example.org/log", log_key_->verifier_key());
  }

  std::unique_ptr<SignerKey> log_key_;
  std::string note_;
};

TEST_F(SignedCheckpointTest, OpensWhatTheLogSigned) {
  auto opened = Open(note_);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(opened->checkpoint.size, 1234u);
  EXPECT_EQ(opened->checkpoint.root_hash, crypto::Sha256(AsBytes("root")));
}

TEST_F(SignedCheckpointTest, FailsWhenTheSizeIsAlteredAfterSigning) {
  std::string altered = note_;
  altered.replace(altered.find("\n1234\n"), 6, "\n1235\n");
  auto opened = Open(altered);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::kUnauthenticated);
}

TEST_F(SignedCheckpointTest, FailsWhenTheRootIsAlteredAfterSigning) {
  std::string root = Base64Encode(crypto::Sha256(AsBytes("root")));
  std::string other = Base64Encode(crypto::Sha256(AsBytes("toor")));
  std::string altered = note_;
  altered.replace(altered.find(root), root.size(), other);
  auto opened = Open(altered);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::kUnauthenticated);
}

TEST_F(SignedCheckpointTest, FailsWhenAnExtensionIsAddedAfterSigning) {
  std::string altered = note_;
  altered.insert(altered.find("\n\n") + 1, "extra\n");
  auto opened = Open(altered);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::kUnauthenticated);
}

TEST_F(SignedCheckpointTest, FailsUnderAnotherKeyWithTheSameName) {
  vigil::testing::SeededRandom random(43);
  auto impostor = GenerateSignerKey("vigil.example.org/log", random);
  ASSERT_TRUE(impostor);
  auto opened = OpenCheckpoint(note_, "vigil.example.org/log", impostor->verifier_key());
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::kUnauthenticated);
}

TEST_F(SignedCheckpointTest, ReportsMalformedInputAsMalformed) {
  EXPECT_EQ(Open("not a note").error().code, Errc::kMalformed);
  // A correctly signed note whose text is not a checkpoint.
  auto note = SignNote("just text\n", *log_key_);
  ASSERT_TRUE(note);
  auto opened = Open(ValueOf(FormatNote(*note)));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::kMalformed);
}

}  // namespace
}  // namespace vigil::translog

#include "translog/cosignature.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "base/base64.h"
#include "testing/fake_clock.h"
#include "testing/seeded_random.h"
#include "testing/value_of.h"
#include "translog/checkpoint.h"

namespace vigil::translog {
namespace {

using vigil::testing::ValueOf;

// Vector from C2SP tlog-cosignature.md: the example cosigned checkpoint and the message its
// witness line signs (the witness key is not published: decoding only).
constexpr std::string_view kSofaBody =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr std::string_view kSofaCosigned =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\xE2\x80\x94 example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\xE2\x80\x94 witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/"
    "zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
constexpr std::string_view kSofaMessage =
    "cosignature/v1\n"
    "time 1679315147\n"
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

// Vector from florolf/tlog-scales tests/test_signing.py (TestCheckpointSigning): a real
// checkpoint of the arche2025h1.staging.ct.transparency.dev log, signed by the log (Ed25519 and
// an RFC 6962 type 0x05 line) and cosigned by four witnesses, with the keys of the log and of the
// remora.n621.de witness.
constexpr std::string_view kArcheVkey =
    "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f";
constexpr std::string_view kRemoraVkey =
    "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
constexpr std::string_view kArcheNote =
    "arche2025h1.staging.ct.transparency.dev\n"
    "1432088532\n"
    "U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n"
    "\n"
    "\xE2\x80\x94 arche2025h1.staging.ct.transparency.dev "
    "zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFb"
    "on5Ch9MNL5zRNZ55lvGt0=\n"
    "\xE2\x80\x94 arche2025h1.staging.ct.transparency.dev "
    "ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=\n"
    "\xE2\x80\x94 transparency.dev/DEV:witness-little-garden "
    "2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/"
    "KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==\n"
    "\xE2\x80\x94 witness1.smartit.nu/witness1 "
    "pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/"
    "iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==\n"
    "\xE2\x80\x94 remora.n621.de "
    "2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/"
    "zZ0WBxtqB0DrAWfBw==\n"
    "\xE2\x80\x94 witness.stagemole.eu "
    "Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/"
    "2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==\n";

Note MustParseNote(std::string_view bytes) {
  auto note = ParseNote(bytes);
  EXPECT_TRUE(note) << note.error().ToString();
  return note ? *note : Note{};
}

VerifierKey MustParseVkey(std::string_view text) {
  auto key = ParseVerifierKey(text);
  EXPECT_TRUE(key) << text;
  return key ? *key : VerifierKey{};
}

TEST(Cosignature, MessageMatchesTheSpecExample) {
  EXPECT_EQ(CosignatureV1Message(kSofaBody, 1679315147), kSofaMessage);
  EXPECT_EQ(CosignatureV1Message("o\n0\nx\n", 0), "cosignature/v1\ntime 0\no\n0\nx\n");
}

TEST(Cosignature, DecodesTheSpecExampleWitnessLine) {
  Note note = MustParseNote(kSofaCosigned);
  EXPECT_EQ(note.text, kSofaBody);
  ASSERT_EQ(note.signatures.size(), 2u);
  const NoteSignature& witness = note.signatures[1];
  EXPECT_EQ(witness.key_name, "witness.example.com/w1");
  EXPECT_EQ(witness.key_id, 0x8d66cf3fu);
  auto cosignature = DecodeCosignatureV1(witness.signature);
  ASSERT_TRUE(cosignature) << cosignature.error().ToString();
  EXPECT_EQ(cosignature->timestamp, 1679315147u);  // the "time" line of the spec's message
  EXPECT_EQ(EncodeCosignatureV1(*cosignature), witness.signature);
}

TEST(Cosignature, DecodesTimestampsAndRejectsOtherSignatureShapes) {
  // transparency-dev/formats note/note_cosigv1_test.go TestCoSigV1Timestamp: key id then
  // timestamped signature; a plain Ed25519 signature is "the wrong type of signature".
  auto works = Base64Decode(
      "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/"
      "iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==");
  ASSERT_TRUE(works);
  auto cosignature = DecodeCosignatureV1(ByteSpan(*works).subspan(4));
  ASSERT_TRUE(cosignature);
  EXPECT_EQ(cosignature->timestamp, 1727964367u);

  auto plain = Base64Decode(
      "eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/"
      "4xkNQY=");
  ASSERT_TRUE(plain);
  EXPECT_EQ(DecodeCosignatureV1(ByteSpan(*plain).subspan(4)).error().code, Errc::kMalformed);

  Bytes too_late(kCosignatureV1Size, 0);
  too_late[0] = 0x80;  // 2^63
  EXPECT_EQ(DecodeCosignatureV1(too_late).error().code, Errc::kMalformed);
  too_late[0] = 0x7f;
  std::fill(too_late.begin() + 1, too_late.begin() + 8, 0xff);  // 2^63 - 1 is allowed
  auto last = DecodeCosignatureV1(too_late);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->timestamp, 0x7fffffffffffffffu);
  EXPECT_EQ(DecodeCosignatureV1(Bytes(kCosignatureV1Size + 1)).error().code, Errc::kMalformed);
  EXPECT_EQ(DecodeCosignatureV1(Bytes{}).error().code, Errc::kMalformed);
}

TEST(Cosignature, VerifiesARealWitnessCosignature) {
  Note note = MustParseNote(kArcheNote);
  VerifierKey log = MustParseVkey(kArcheVkey);
  VerifierKey remora = MustParseVkey(kRemoraVkey);
  ASSERT_EQ(remora.type, kSignatureTypeCosignatureV1);

  auto timestamp = VerifyCosignature(note.text, note.signatures[4], remora);
  ASSERT_TRUE(timestamp) << timestamp.error().ToString();
  EXPECT_EQ(*timestamp, 1779573024u);

  // The log key and the witness key together, through VerifyNote; the log's RFC 6962 line and
  // the other witnesses' lines are unknown keys and ignored.
  const TrustedKey trusted[] = {{log, true}, {remora, true}};
  auto signers = VerifyNote(note, trusted);
  ASSERT_TRUE(signers) << signers.error().ToString();
  EXPECT_EQ(*signers, (std::vector<std::size_t>{0, 1}));
  auto opened = OpenCheckpoint(kArcheNote, "arche2025h1.staging.ct.transparency.dev", log);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(opened->checkpoint.size, 1432088532u);
}

TEST(Cosignature, ARealCosignatureFailsOnceTheCheckpointIsAltered) {
  // florolf/tlog-scales test_real_checkpoint_clobbered: size 42 instead of 1432088532.
  std::string altered(kArcheNote);
  altered.replace(altered.find("1432088532"), 10, "42");
  Note note = MustParseNote(altered);
  VerifierKey remora = MustParseVkey(kRemoraVkey);
  EXPECT_EQ(VerifyCosignature(note.text, note.signatures[4], remora).error().code,
            Errc::kUnauthenticated);
  const TrustedKey witness_only[] = {{remora, true}};
  EXPECT_EQ(VerifyNote(note, witness_only).error().code, Errc::kUnauthenticated);
  const TrustedKey log_only[] = {{MustParseVkey(kArcheVkey), true}};
  EXPECT_EQ(VerifyNote(note, log_only).error().code, Errc::kUnauthenticated);
}

class CosignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vigil::testing::SeededRandom random(5);
    auto log = GenerateSignerKey("vigil.example.org/log", random);
    auto witness = GenerateSignerKey("witness.example.net/w1", random);
    ASSERT_TRUE(log && witness);
    log_ = std::make_unique<SignerKey>(std::move(*log));
    witness_ = std::make_unique<SignerKey>(std::move(*witness));
    Checkpoint cp{"vigil.example.org/log", 77, crypto::Sha256(AsBytes("seventy-seven")), {"ext"}};
    body_ = ValueOf(FormatCheckpoint(cp));
    auto note = SignNote(body_, *log_);
    ASSERT_TRUE(note);
    note_ = std::move(*note);
  }

  std::unique_ptr<SignerKey> log_;
  std::unique_ptr<SignerKey> witness_;
  vigil::testing::FakeClock clock_;  // 2026-01-01T00:00:00Z = 1767225600
  std::string body_;
  Note note_;
};

TEST_F(CosignTest, SignsWithTheClockTimeAndType4KeyId) {
  clock_.Advance(std::chrono::milliseconds(1999));  // whole seconds, rounded down
  auto line = CosignCheckpoint(body_, *witness_, clock_);
  ASSERT_TRUE(line) << line.error().ToString();
  VerifierKey vkey = CosignerVerifierKey(*witness_);
  EXPECT_EQ(vkey.type, kSignatureTypeCosignatureV1);
  EXPECT_EQ(vkey.id,
            ComputeKeyId("witness.example.net/w1", 0x04, witness_->private_key().public_key()));
  EXPECT_NE(vkey.id, witness_->id());
  EXPECT_EQ(line->key_name, "witness.example.net/w1");
  EXPECT_EQ(line->key_id, vkey.id);
  ASSERT_EQ(line->signature.size(), kCosignatureV1Size);
  auto decoded = DecodeCosignatureV1(line->signature);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->timestamp, 1767225601u);
  // The signature is an Ed25519 signature over exactly the cosignature/v1 message.
  EXPECT_TRUE(crypto::Ed25519Verify(witness_->private_key().public_key(),
                                    AsBytes(CosignatureV1Message(body_, 1767225601)),
                                    decoded->signature));

  auto timestamp = VerifyCosignature(body_, *line, vkey);
  ASSERT_TRUE(timestamp) << timestamp.error().ToString();
  EXPECT_EQ(*timestamp, 1767225601u);

  // The vkey string round trips, with type byte 0x04.
  std::string text = FormatVerifierKey(vkey);
  EXPECT_EQ(text.substr(vkey.name.size() + 10, 1), "B");  // base64 of 0x04 then key bytes
  EXPECT_EQ(MustParseVkey(text), vkey);
}

TEST_F(CosignTest, VerificationFailsOnAnyChange) {
  auto line = CosignCheckpoint(body_, *witness_, clock_);
  ASSERT_TRUE(line);
  VerifierKey vkey = CosignerVerifierKey(*witness_);

  std::string bigger = body_;
  bigger.replace(bigger.find("\n77\n"), 4, "\n78\n");
  std::string other_root = body_;
  other_root[other_root.find('\n', other_root.find('\n') + 1) + 1] ^= 1;
  std::string other_ext = body_.substr(0, body_.size() - 4) + "exu\n";
  for (const std::string& text : {bigger, other_root, other_ext})
    EXPECT_EQ(VerifyCosignature(text, *line, vkey).error().code, Errc::kUnauthenticated) << text;

  NoteSignature later = *line;
  later.signature[7] ^= 1;  // timestamp
  NoteSignature forged = *line;
  forged.signature[40] ^= 1;  // signature
  NoteSignature short_sig = *line;
  short_sig.signature.pop_back();
  NoteSignature renamed = *line;
  renamed.key_name = "witness.example.net/w2";
  NoteSignature reid = *line;
  reid.key_id ^= 1;
  NoteSignature too_late = *line;
  too_late.signature[0] = 0x80;
  for (const NoteSignature* s : {&later, &forged, &short_sig, &renamed, &reid, &too_late})
    EXPECT_EQ(VerifyCosignature(body_, *s, vkey).error().code, Errc::kUnauthenticated);

  // A type 0x01 key cannot verify a cosignature.
  EXPECT_EQ(VerifyCosignature(body_, *line, witness_->verifier_key()).error().code,
            Errc::kInvalidArgument);
}

TEST_F(CosignTest, PlainAndCosignatureKeysDoNotStandInForEachOther) {
  // The witness's plain signature over the body is not a cosignature, and vice versa: the ids
  // differ, so each line is an unknown key to the other verifier.
  Note plain = note_;
  ASSERT_TRUE(AddNoteSignature(plain, *witness_));
  const TrustedKey cosigner[] = {{CosignerVerifierKey(*witness_), true}};
  EXPECT_EQ(VerifyNote(plain, cosigner).error().code, Errc::kUnauthenticated);

  auto line = CosignCheckpoint(body_, *witness_, clock_);
  ASSERT_TRUE(line);
  Note cosigned = note_;
  ASSERT_TRUE(AttachCosignatures(cosigned, std::span(&*line, 1)));
  const TrustedKey plain_key[] = {{witness_->verifier_key(), true}};
  EXPECT_EQ(VerifyNote(cosigned, plain_key).error().code, Errc::kUnauthenticated);

  // A plain signature dressed up with the type 0x04 id does not verify either.
  NoteSignature dressed = plain.signatures[1];
  dressed.key_id = CosignerVerifierKey(*witness_).id;
  Note forged = note_;
  forged.signatures.push_back(dressed);
  EXPECT_EQ(VerifyNote(forged, cosigner).error().code, Errc::kUnauthenticated);
}

TEST_F(CosignTest, AttachedCosignaturesSurviveFormattingAndVerify) {
  vigil::testing::SeededRandom random(6);
  auto second = GenerateSignerKey("witness.example.org/w2", random);
  ASSERT_TRUE(second);
  auto a = CosignCheckpoint(body_, *witness_, clock_);
  auto b = CosignCheckpoint(body_, *second, clock_);
  ASSERT_TRUE(a && b);
  const NoteSignature lines[] = {*a, *b};
  ASSERT_TRUE(AttachCosignatures(note_, lines));
  ASSERT_EQ(note_.signatures.size(), 3u);

  auto bytes = FormatNote(note_);
  ASSERT_TRUE(bytes);
  Note reparsed = MustParseNote(*bytes);
  const TrustedKey trusted[] = {{log_->verifier_key(), true},
                                {CosignerVerifierKey(*witness_), false},
                                {CosignerVerifierKey(*second), false}};
  auto signers = VerifyNote(reparsed, trusted);
  ASSERT_TRUE(signers) << signers.error().ToString();
  EXPECT_EQ(*signers, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(ValueOf(VerifyCosignature(reparsed.text, reparsed.signatures[2],
                                      CosignerVerifierKey(*second))),
            1767225600u);
}

TEST_F(CosignTest, AttachingANewerCosignatureReplacesTheOlder) {
  auto first = CosignCheckpoint(body_, *witness_, clock_);
  ASSERT_TRUE(first);
  ASSERT_TRUE(AttachCosignatures(note_, std::span(&*first, 1)));
  clock_.Advance(std::chrono::hours(1));
  auto second = CosignCheckpoint(body_, *witness_, clock_);
  ASSERT_TRUE(second);
  ASSERT_TRUE(AttachCosignatures(note_, std::span(&*second, 1)));
  ASSERT_EQ(note_.signatures.size(), 2u);
  EXPECT_EQ(ValueOf(VerifyCosignature(body_, note_.signatures[1], CosignerVerifierKey(*witness_))),
            1767225600u + 3600u);
}

TEST_F(CosignTest, AttachRefusesBadInputAndLeavesTheNoteUnchanged) {
  auto line = CosignCheckpoint(body_, *witness_, clock_);
  ASSERT_TRUE(line);
  Note unsigned_note{body_, {}};
  EXPECT_EQ(AttachCosignatures(unsigned_note, std::span(&*line, 1)).error().code,
            Errc::kFailedPrecondition);
  Note not_checkpoint = ValueOf(SignNote("hello\n", *log_));
  EXPECT_EQ(AttachCosignatures(not_checkpoint, std::span(&*line, 1)).error().code,
            Errc::kInvalidArgument);
  NoteSignature bad_name = *line;
  bad_name.key_name = "two words";
  const NoteSignature mixed[] = {*line, bad_name};
  EXPECT_EQ(AttachCosignatures(note_, mixed).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(note_.signatures.size(), 1u);

  std::vector<NoteSignature> many;
  for (std::size_t i = 0; i < kMaxNoteSignatures; ++i)
    many.push_back({"w" + std::to_string(i), static_cast<KeyId>(i), line->signature});
  EXPECT_EQ(AttachCosignatures(note_, many).error().code, Errc::kResourceExhausted);
  EXPECT_EQ(note_.signatures.size(), 1u);
  many.pop_back();
  EXPECT_TRUE(AttachCosignatures(note_, many));
  EXPECT_EQ(note_.signatures.size(), kMaxNoteSignatures);
}

TEST_F(CosignTest, CosignRefusesNonCheckpointsAndClocksBefore1970) {
  EXPECT_EQ(CosignCheckpoint("hello\n", *witness_, clock_).error().code, Errc::kMalformed);
  vigil::testing::FakeClock before_epoch(
      std::chrono::system_clock::time_point(std::chrono::seconds(-5)));
  EXPECT_EQ(CosignCheckpoint(body_, *witness_, before_epoch).error().code,
            Errc::kFailedPrecondition);
  vigil::testing::FakeClock epoch(std::chrono::system_clock::time_point{});
  auto line = CosignCheckpoint(body_, *witness_, epoch);
  ASSERT_TRUE(line);
  EXPECT_EQ(ValueOf(VerifyCosignature(body_, *line, CosignerVerifierKey(*witness_))), 0u);
}

}  // namespace
}  // namespace vigil::translog

#include "translog/signed_note.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/base64.h"
#include "base/hex.h"
#include "testing/seeded_random.h"
#include "testing/value_of.h"

namespace vigil::translog {
namespace {

using vigil::testing::ValueOf;

// Vectors from golang.org/x/mod sumdb/note/note_test.go (TestNewVerifier, TestNewSigner, TestSign,
// TestOpen).
constexpr std::string_view kPeterSkey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kPeterVkey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kEnochVkey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kPeterText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kPeterSig =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr std::string_view kEnochSig =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

// Vector from C2SP signed-note.md, "Verifier keys / Example".
constexpr std::string_view kFooVkey =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
constexpr std::string_view kFooNote =
    "This is an example message.\n"
    "\n"
    "\xE2\x80\x94 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
    "\n";

// Vector from C2SP signed-note.md, introduction (key not published: parsing only).
constexpr std::string_view kQuasimodoNote =
    "Ognuno sta solo sul cuor della terra\n"
    "trafitto da un raggio di sole:\n"
    "\n"
    "ed \xC3\xA8 subito sera.\n"
    "\n"
    "\xE2\x80\x94 quasimodo.example/salvatore "
    "NnugSzTjtVAewIS+Z/iJhUPeFDkO/"
    "5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";

std::string PeterNote() { return std::string(kPeterText) + "\n" + std::string(kPeterSig); }

VerifierKey MustParseVkey(std::string_view text) {
  auto key = ParseVerifierKey(text);
  EXPECT_TRUE(key) << text;
  return key ? *key : VerifierKey{};
}

Note MustParseNote(std::string_view text) {
  auto note = ParseNote(text);
  EXPECT_TRUE(note) << note.error().ToString();
  return note ? *note : Note{};
}

std::vector<TrustedKey> Trust(std::initializer_list<std::string_view> vkeys, bool required = true) {
  std::vector<TrustedKey> out;
  for (auto v : vkeys) out.push_back({MustParseVkey(v), required});
  return out;
}

TEST(VerifierKey, ParsesPublishedKeysAndRecomputesTheirIds) {
  struct Case {
    std::string_view vkey;
    std::string_view name;
    KeyId id;
    std::uint8_t type;
    std::string_view source;
  } cases[] = {
      {kPeterVkey, "PeterNeumann", 0xc74f20a3, 0x01, "x/mod sumdb/note"},
      {kEnochVkey, "EnochRoot", 0xaf0cfe78, 0x01, "x/mod sumdb/note"},
      {kFooVkey, "example.com/foo", 0x530d903a, 0x01, "C2SP signed-note"},
      // transparency-dev/formats note/note_cosigv1_test.go: a real witness's type 0x04 key.
      {"remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2", "remora.n621.de",
       0xda77ade7, 0x04, "transparency-dev/formats"},
      // transparency-dev/formats log/note_test.go: the Go checksum database key.
      {"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", "sum.golang.org",
       0x033de0ae, 0x01, "transparency-dev/formats"},
  };
  for (const Case& c : cases) {
    auto key = ParseVerifierKey(c.vkey);
    ASSERT_TRUE(key) << c.source << ": " << key.error().ToString();
    EXPECT_EQ(key->name, c.name);
    EXPECT_EQ(key->id, c.id);
    EXPECT_EQ(key->type, c.type);
    EXPECT_EQ(ComputeKeyId(c.name, c.type, key->public_key), c.id);
    EXPECT_EQ(FormatVerifierKey(*key), c.vkey);
  }
  // The C2SP signed-note example key, as decoded in florolf/tlog-scales tests/test_signing.py.
  EXPECT_EQ(HexEncode(MustParseVkey(kFooVkey).public_key),
            "e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4");
}

TEST(VerifierKey, RejectsEveryManglingOfAGoodKey) {
  // As TestNewVerifier in x/mod sumdb/note: every proper substring and every single-byte change.
  std::string key(kPeterVkey);
  for (std::size_t i = 0; i <= key.size(); ++i) {
    for (std::size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(ParseVerifierKey(key.substr(i, j - i))) << key.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    std::string bad = key;
    ++bad[i];
    EXPECT_FALSE(ParseVerifierKey(bad)) << bad;
  }
  const std::string_view bad[] = {
      // x/mod sumdb/note: wrong key length and unknown algorithm, each with a matching id.
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",    // upper-case id
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n",  // trailing newline
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=",   // bad padding
      "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",                // empty name
      "",
  };
  for (auto b : bad) {
    auto key_or = ParseVerifierKey(b);
    ASSERT_FALSE(key_or) << b;
    EXPECT_EQ(key_or.error().code, Errc::kInvalidArgument);
  }
}

TEST(VerifierKey, MakeComputesTheIdAndRefusesUnknownTypes) {
  VerifierKey peter = MustParseVkey(kPeterVkey);
  auto made = MakeVerifierKey("PeterNeumann", kSignatureTypeEd25519, peter.public_key);
  ASSERT_TRUE(made);
  EXPECT_EQ(*made, peter);
  auto cosigner = MakeVerifierKey("PeterNeumann", kSignatureTypeCosignatureV1, peter.public_key);
  ASSERT_TRUE(cosigner);
  EXPECT_NE(cosigner->id, peter.id);  // the type byte is hashed into the id
  EXPECT_EQ(MakeVerifierKey("PeterNeumann", 0x02, peter.public_key).error().code,
            Errc::kInvalidArgument);
  EXPECT_EQ(MakeVerifierKey("Peter Neumann", 0x01, peter.public_key).error().code,
            Errc::kInvalidArgument);
}

TEST(KeyName, FollowsTheSpecRules) {
  const std::string_view good[] = {"example.com/foo", "PeterNeumann", "oid/1.3.6.1.4.1",
                                   "n\xC3\xA4me", "a"};
  for (auto n : good) EXPECT_TRUE(IsValidKeyName(n)) << n;
  const std::string_view bad[] = {
      "",
      "a b",
      "a+b",
      "a\tb",
      "a\nb",
      "\x01",
      "b\x80",             // lone continuation byte
      "a\xC2\xA0z",        // U+00A0 no-break space
      "a\xE3\x80\x80z",    // U+3000 ideographic space
      "a\xE2\x80\xA8z",    // U+2028 line separator
      "a\xC2\x85z",        // U+0085 next line
      "\xC0\xAF",          // overlong '/'
      "\xED\xA0\x80",      // surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xE2\x80",          // truncated
  };
  for (auto n : bad) EXPECT_FALSE(IsValidKeyName(n)) << n;
}

TEST(SignerKey, ParsesTheGoExampleKeyAndMatchesItsVerifier) {
  auto signer = ParseSignerKey(kPeterSkey);
  ASSERT_TRUE(signer) << signer.error().ToString();
  EXPECT_EQ(signer->name(), "PeterNeumann");
  EXPECT_EQ(signer->id(), 0xc74f20a3u);
  EXPECT_EQ(signer->verifier_key(), MustParseVkey(kPeterVkey));
  EXPECT_EQ(FormatSignerKey(*signer).chars(), kPeterSkey);
}

TEST(SignerKey, RejectsEveryManglingOfAGoodKey) {
  // As TestNewSigner in x/mod sumdb/note.
  std::string key(kPeterSkey);
  for (std::size_t i = 0; i <= key.size(); ++i) {
    for (std::size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(ParseSignerKey(key.substr(i, j - i))) << key.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    std::string bad = key;
    ++bad[i];
    EXPECT_FALSE(ParseSignerKey(bad)) << bad;
  }
  // A verifier key is not a signer key, and a type 0x04 seed is refused.
  EXPECT_FALSE(ParseSignerKey(kPeterVkey));
  auto raw = Base64Decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
  ASSERT_TRUE(raw);
  (*raw)[0] = 0x04;
  EXPECT_FALSE(ParseSignerKey("PRIVATE+KEY+PeterNeumann+c74f20a3+" + Base64Encode(*raw)));
}

TEST(SignerKey, ErrorsNeverQuoteTheSecret) {
  std::string bad(kPeterSkey);
  bad.back() = 'A';
  auto key = ParseSignerKey(bad);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(key.error().detail.find("AYEKFALV"), std::string::npos);
  EXPECT_EQ(key.error().detail.find("KDF"), std::string::npos);
}

TEST(SignerKey, GeneratedKeysRoundTripAndSign) {
  testing::SeededRandom random(7);
  auto signer = GenerateSignerKey("vigil.example.org/log", random);
  ASSERT_TRUE(signer);
  auto again = ParseSignerKey(FormatSignerKey(*signer).chars());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->verifier_key(), signer->verifier_key());
  auto vkey = ParseVerifierKey(FormatVerifierKey(signer->verifier_key()));
  ASSERT_TRUE(vkey);
  EXPECT_EQ(*vkey, signer->verifier_key());

  auto note = SignNote("hello\n", *again);
  ASSERT_TRUE(note);
  const TrustedKey trusted[] = {{*vkey, true}};
  auto signers = VerifyNote(*note, trusted);
  ASSERT_TRUE(signers) << signers.error().ToString();
  EXPECT_EQ(*signers, std::vector<std::size_t>{0});

  EXPECT_EQ(GenerateSignerKey("bad name", random).error().code, Errc::kInvalidArgument);
}

TEST(SignedNote, SignReproducesTheGoExampleByteForByte) {
  auto signer = ParseSignerKey(kPeterSkey);
  ASSERT_TRUE(signer);
  auto note = SignNote(kPeterText, *signer);
  ASSERT_TRUE(note);
  auto bytes = FormatNote(*note);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, PeterNote());
}

TEST(SignedNote, SignRefusesTextsThatCannotBeNotes) {
  auto signer = ParseSignerKey(kPeterSkey);
  ASSERT_TRUE(signer);
  const std::string_view bad[] = {"", "abc", "a\r\n", "a\x01\n", "\xff\n", "tab\there\n"};
  for (auto text : bad) {
    auto note = SignNote(text, *signer);
    ASSERT_FALSE(note) << text;
    EXPECT_EQ(note.error().code, Errc::kInvalidArgument);
  }
  EXPECT_TRUE(SignNote("\n", *signer));  // a text may be a single empty line
}

TEST(SignedNote, ParsesTheSpecAndGoExamples) {
  Note foo = MustParseNote(kFooNote);
  EXPECT_EQ(foo.text, "This is an example message.\n");
  ASSERT_EQ(foo.signatures.size(), 1u);
  EXPECT_EQ(foo.signatures[0].key_name, "example.com/foo");
  EXPECT_EQ(foo.signatures[0].key_id, 0x530d903au);
  EXPECT_EQ(foo.signatures[0].signature.size(), 64u);

  // The text keeps its own blank line: the last blank line is the separator.
  Note quasimodo = MustParseNote(kQuasimodoNote);
  EXPECT_EQ(quasimodo.text,
            "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\n"
            "ed \xC3\xA8 subito sera.\n");
  ASSERT_EQ(quasimodo.signatures.size(), 1u);
  EXPECT_EQ(quasimodo.signatures[0].key_name, "quasimodo.example/salvatore");
  EXPECT_EQ(quasimodo.signatures[0].key_id, 0x367ba04bu);

  Note both = MustParseNote(PeterNote() + std::string(kEnochSig));
  EXPECT_EQ(both.text, kPeterText);
  ASSERT_EQ(both.signatures.size(), 2u);
  EXPECT_EQ(both.signatures[0].key_name, "PeterNeumann");
  EXPECT_EQ(both.signatures[0].key_id, 0xc74f20a3u);
  EXPECT_EQ(both.signatures[1].key_name, "EnochRoot");
  EXPECT_EQ(both.signatures[1].key_id, 0xaf0cfe78u);
}

TEST(SignedNote, FormatReproducesParsedBytesExactly) {
  const std::string notes[] = {std::string(kFooNote), std::string(kQuasimodoNote), PeterNote(),
                               PeterNote() + std::string(kEnochSig) + std::string(kEnochSig)};
  for (const auto& bytes : notes) {
    auto formatted = FormatNote(MustParseNote(bytes));
    ASSERT_TRUE(formatted);
    EXPECT_EQ(*formatted, bytes);
  }
}

TEST(SignedNote, VerifiesTheSpecExample) {
  auto signers = VerifyNote(MustParseNote(kFooNote), Trust({kFooVkey}));
  ASSERT_TRUE(signers) << signers.error().ToString();
  EXPECT_EQ(*signers, std::vector<std::size_t>{0});
}

TEST(SignedNote, ReportsWhichTrustedKeysSigned) {
  // As TestOpen in x/mod sumdb/note.
  Note note = MustParseNote(PeterNote() + std::string(kEnochSig));

  auto peter_only = VerifyNote(note, Trust({kPeterVkey}));
  ASSERT_TRUE(peter_only);
  EXPECT_EQ(*peter_only, std::vector<std::size_t>{0});
  EXPECT_EQ(note.signatures.size(), 2u);  // Enoch's line is kept, though not checked

  auto both = VerifyNote(note, Trust({kEnochVkey, kPeterVkey}));
  ASSERT_TRUE(both);
  EXPECT_EQ(*both, (std::vector<std::size_t>{0, 1}));

  auto optional = Trust({kPeterVkey});
  auto enoch_optional = Trust({kEnochVkey, kFooVkey}, /*required=*/false);
  optional.insert(optional.end(), enoch_optional.begin(), enoch_optional.end());
  auto some = VerifyNote(note, optional);
  ASSERT_TRUE(some);
  EXPECT_EQ(*some, (std::vector<std::size_t>{0, 1}));
}

TEST(SignedNote, FailsWhenNoTrustedKeySigned) {
  Note note = MustParseNote(PeterNote() + std::string(kEnochSig));
  EXPECT_EQ(VerifyNote(note, {}).error().code, Errc::kUnauthenticated);
  EXPECT_EQ(VerifyNote(note, Trust({kFooVkey}, false)).error().code, Errc::kUnauthenticated);
}

TEST(SignedNote, FailsWhenARequiredKeyDidNotSign) {
  Note note = MustParseNote(PeterNote());
  auto trusted = Trust({kPeterVkey, kEnochVkey});
  auto result = VerifyNote(note, trusted);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::kUnauthenticated);
  trusted[1].required = false;
  EXPECT_TRUE(VerifyNote(note, trusted));
}

TEST(SignedNote, RejectsATamperedTextOrSignature) {
  std::string altered_text = PeterNote();
  altered_text[3] = 'Y';
  EXPECT_EQ(VerifyNote(MustParseNote(altered_text), Trust({kPeterVkey})).error().code,
            Errc::kUnauthenticated);

  // x/mod sumdb/note TestOpen: four base64 characters inserted into the signature.
  std::string sig(kPeterSig);
  std::string bad_sig = sig.substr(0, 60) + "ABCD" + sig.substr(60);
  Note bad = MustParseNote(std::string(kPeterText) + "\n" + bad_sig);
  EXPECT_EQ(VerifyNote(bad, Trust({kPeterVkey})).error().code, Errc::kUnauthenticated);

  // Every single-bit flip of the signature bytes is caught.
  Note note = MustParseNote(PeterNote());
  for (std::size_t i = 0; i < note.signatures[0].signature.size() * 8; i += 7) {
    Note flipped = note;
    flipped.signatures[0].signature[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    EXPECT_EQ(VerifyNote(flipped, Trust({kPeterVkey})).error().code, Errc::kUnauthenticated) << i;
  }
}

TEST(SignedNote, OneBadLineFromATrustedKeyRejectsTheNoteEvenBesideAGoodOne) {
  std::string sig(kPeterSig);
  std::string bad_sig = sig.substr(0, 60) + "ABCD" + sig.substr(60);
  Note note = MustParseNote(PeterNote() + bad_sig);
  EXPECT_EQ(VerifyNote(note, Trust({kPeterVkey})).error().code, Errc::kUnauthenticated);
}

TEST(SignedNote, IgnoresBadSignaturesFromUnknownKeys) {
  std::string sig(kEnochSig);
  std::string bad_enoch = sig.substr(0, 60) + "ABCD" + sig.substr(60);
  Note note = MustParseNote(PeterNote() + bad_enoch);
  auto signers = VerifyNote(note, Trust({kPeterVkey}));
  ASSERT_TRUE(signers) << signers.error().ToString();
  EXPECT_EQ(note.signatures.size(), 2u);
}

TEST(SignedNote, MatchesKeysOnNameAndIdTogether) {
  // A line with Peter's id under another name, or Peter's name with another id, is another key's:
  // ignored, never verified with Peter's key.
  std::string misnamed = PeterNote();
  misnamed.replace(misnamed.find("PeterNeumann"), 12, "CarmenSandie");
  EXPECT_EQ(VerifyNote(MustParseNote(misnamed), Trust({kPeterVkey})).error().code,
            Errc::kUnauthenticated);
  std::string wrong_id = PeterNote();
  wrong_id.replace(wrong_id.find("x08g"), 4, "xxxx");
  EXPECT_EQ(VerifyNote(MustParseNote(wrong_id), Trust({kPeterVkey})).error().code,
            Errc::kUnauthenticated);
}

TEST(SignedNote, RefusesDuplicateTrustedKeys) {
  auto trusted = Trust({kEnochVkey, kPeterVkey, kEnochVkey});
  EXPECT_EQ(VerifyNote(MustParseNote(PeterNote()), trusted).error().code, Errc::kInvalidArgument);
}

TEST(SignedNote, RejectsEveryMalformation) {
  const std::string text(kPeterText);
  const std::string sig(kPeterSig);
  const std::string body = sig.substr(sig.find(' ', 4) + 1);  // "x08go…=\n"
  const std::string dash = "\xE2\x80\x94 ";
  const std::string cases[] = {
      // x/mod sumdb/note TestOpen "badMsgs".
      text, text + "\n", text + "\n" + sig.substr(0, sig.size() - 1), "\x01" + text + "\n" + sig,
      "\xff" + text + "\n" + sig, text + "\n" + dash + "Bad Name " + body,
      text + "\n" + sig + "Unexpected line.\n",
      // Our own: each rule of ParseNote.
      "", "\n", "\n\n",
      text + "\n" + "\n",                                // blank line, no signature
      text + "\r\n" + sig,                               // CR
      text + "\t\n" + sig,                               // tab
      "a\xC0\xAF\n\n" + sig,                             // overlong UTF-8
      "a\xED\xA0\x80\n\n" + sig,                         // UTF-16 surrogate
      text + "\n" + "- PeterNeumann " + body,            // hyphen, not em dash
      text + "\n" + "\xE2\x80\x94PeterNeumann " + body,  // no space after the dash
      text + "\n" + dash + "PeterNeumann  " + body,      // two spaces
      text + "\n" + dash + " PeterNeumann " + body,      // empty name
      text + "\n" + dash + "Peter+Neumann " + body,      // '+' in name
      text + "\n" + dash + "PeterNeumann\n",             // no signature
      text + "\n" + dash + "PeterNeumann \n",            // empty signature
      text + "\n" + dash + "PeterNeumann AAAAAA==\n",    // 4 bytes: a key id only
      text + "\n" + dash + "PeterNeumann AAAAAAB=\n",    // 5 bytes, bad trailing bits
      text + "\n" + dash + "PeterNeumann AAAAAAA\n",     // unpadded
      text + "\n" + dash + "PeterNeumann " + body.substr(0, body.size() - 2) + "\n",
      text + "\n" + sig + " \n",  // trailing junk line
      text + "\n" + sig + sig.substr(0, sig.size() - 1) + " \n",
      text + "\n" + sig.substr(0, sig.size() - 1) + " \n",  // trailing space
  };
  for (const std::string& c : cases) {
    auto note = ParseNote(c);
    ASSERT_FALSE(note) << c;
    EXPECT_EQ(note.error().code, Errc::kMalformed) << c;
  }
}

TEST(SignedNote, EnforcesTheSignatureCountLimit) {
  const std::string sig(kPeterSig);
  std::string note = std::string(kPeterText) + "\n";
  for (std::size_t i = 0; i < kMaxNoteSignatures; ++i) note += sig;
  auto at_limit = ParseNote(note);
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->signatures.size(), kMaxNoteSignatures);
  EXPECT_TRUE(VerifyNote(*at_limit, Trust({kPeterVkey})));

  // x/mod sumdb/note TestOpen: 101 signatures are too many, trusted or not.
  auto over = ParseNote(note + sig);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Errc::kMalformed);

  Note too_many = *at_limit;
  too_many.signatures.push_back(too_many.signatures[0]);
  EXPECT_EQ(FormatNote(too_many).error().code, Errc::kInvalidArgument);
}

TEST(SignedNote, EnforcesTheSizeLimit) {
  const std::string sig(kPeterSig);
  std::size_t text_size = kMaxNoteBytes - 1 - sig.size();
  std::string text(text_size - 1, 'a');
  text += '\n';
  std::string note = text + "\n" + sig;
  ASSERT_EQ(note.size(), kMaxNoteBytes);
  EXPECT_TRUE(ParseNote(note));
  std::string over = "b" + note;
  auto parsed = ParseNote(over);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, Errc::kMalformed);

  auto signer = ParseSignerKey(kPeterSkey);
  ASSERT_TRUE(signer);
  auto big = SignNote("b" + text, *signer);
  ASSERT_TRUE(big);
  EXPECT_EQ(FormatNote(*big).error().code, Errc::kInvalidArgument);
}

TEST(SignedNote, FormatRefusesNotesThatWouldNotParse) {
  Note good = MustParseNote(PeterNote());
  Note no_sig = good;
  no_sig.signatures.clear();
  Note bad_text = good;
  bad_text.text = "no newline";
  Note bad_name = good;
  bad_name.signatures[0].key_name = "a b";
  Note empty_sig = good;
  empty_sig.signatures[0].signature.clear();
  for (const Note* n : {&no_sig, &bad_text, &bad_name, &empty_sig})
    EXPECT_EQ(FormatNote(*n).error().code, Errc::kInvalidArgument);
}

TEST(SignedNote, AddSignatureReplacesTheSameKeysLine) {
  auto peter = ParseSignerKey(kPeterSkey);
  ASSERT_TRUE(peter);
  testing::SeededRandom random(1);
  auto other = GenerateSignerKey("other.example/key", random);
  ASSERT_TRUE(other);

  // x/mod sumdb/note TestSign: a stale line of the same key is replaced, not duplicated.
  Note note{std::string(kPeterText), {{"PeterNeumann", 0xc74f20a3, Bytes{1, 2, 3}}}};
  ASSERT_TRUE(AddNoteSignature(note, *other));
  ASSERT_TRUE(AddNoteSignature(note, *peter));
  ASSERT_EQ(note.signatures.size(), 2u);
  auto bytes = FormatNote(note);
  ASSERT_TRUE(bytes);
  Note reparsed = MustParseNote(*bytes);
  std::vector<TrustedKey> trusted = Trust({kPeterVkey});
  trusted.push_back({other->verifier_key(), true});
  auto signers = VerifyNote(reparsed, trusted);
  ASSERT_TRUE(signers) << signers.error().ToString();
  EXPECT_EQ(*signers, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(ValueOf(FormatNote(Note{note.text, {note.signatures[0]}})), PeterNote());
}

TEST(SignedNote, AddSignatureStopsAtTheLimit) {
  auto peter = ParseSignerKey(kPeterSkey);
  ASSERT_TRUE(peter);
  Note note{std::string(kPeterText), {}};
  for (std::size_t i = 0; i < kMaxNoteSignatures; ++i)
    note.signatures.push_back({"k" + std::to_string(i), 1, Bytes{1}});
  auto status = AddNoteSignature(note, *peter);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::kResourceExhausted);
  EXPECT_EQ(note.signatures.size(), kMaxNoteSignatures);
}

}  // namespace
}  // namespace vigil::translog

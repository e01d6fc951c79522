#include "auth/derivation.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "base/hex.h"
#include "crypto/age/x25519_recipient.h"
#include "testing/test_paths.h"

namespace vigil::auth {
namespace {

std::string Text(const SecretBytes& s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

boost::json::object Vectors() {
  std::ifstream in(testing::SourceDir() / "testdata" / "derivation" / "vectors.json");
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str()).as_object();
}

std::string Str(const boost::json::value& v, const char* key) {
  return std::string(v.as_object().at(key).as_string());
}

// The vectors in testdata/derivation/vectors.json are what the browser checks too (issue 6).
TEST(DeriveReporterKeys, MatchesTheSharedVectors) {
  auto vectors = Vectors();
  for (const auto& v : vectors.at("reporter").as_array()) {
    auto keys = DeriveReporterKeys(Str(v, "passphrase"), Str(v, "instance"));
    ASSERT_TRUE(keys.has_value()) << keys.error().ToString();
    EXPECT_EQ(HexEncode(keys->lookup_id), Str(v, "lookup_id_hex"));
    EXPECT_EQ(keys->recipient, Str(v, "recipient"));
    EXPECT_EQ(Text(keys->identity), Str(v, "identity"));
    // The identity opens what is sent to the recipient.
    auto identity = age::X25519Identity::Parse(Text(keys->identity));
    ASSERT_TRUE(identity.has_value());
    EXPECT_EQ(identity->ToRecipient().ToString(), keys->recipient);
  }
}

TEST(DeriveLoginSecret, MatchesTheSharedVectors) {
  auto vectors = Vectors();
  for (const auto& v : vectors.at("login").as_array()) {
    auto salt = HexDecode(Str(v, "login_salt_hex"));
    ASSERT_TRUE(salt.has_value());
    auto secret = DeriveLoginSecret(Str(v, "passphrase"), *salt);
    ASSERT_TRUE(secret.has_value()) << secret.error().ToString();
    EXPECT_EQ(HexEncode(secret->span()), Str(v, "login_secret_hex"));
  }
}

// An independent check of the composition: the reference Argon2 command-line tool, given the
// normalised passphrase and the context salt, computes the same lookup id.
TEST(DeriveReporterKeys, AgreesWithTheReferenceArgon2Tool) {
  const std::string passphrase = "abacus zoom yo-yo drop-down pelican ripple tattoo gravy";
  const std::string instance = "vigil.example.org/log";
  Bytes salt = ContextSalt("vigil reporter lookup v1", AsBytes(instance));
  std::string octal;
  for (std::uint8_t b : salt) {
    ASSERT_NE(b, 0) << "a NUL byte cannot pass through argv";
    char esc[8];
    std::snprintf(esc, sizeof esc, "\\%03o", b);
    octal += esc;
  }
  ASSERT_NE(salt.back(), '\n') << "command substitution would drop it";
  std::string command = "printf '%s' '" + passphrase + "' | argon2 \"$(printf '" + octal +
                        "')\" -id -t 3 -m 16 -p 1 -l 32 -r";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char line[128] = {};
  ASSERT_NE(std::fgets(line, sizeof line, pipe), nullptr) << "is the argon2 tool installed?";
  ::pclose(pipe);
  auto keys = DeriveReporterKeys(passphrase, instance);
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(std::string(line).substr(0, 64), HexEncode(keys->lookup_id));
}

TEST(DeriveReporterKeys, DependsOnTheInstanceAndNormalisesThePassphrase) {
  crypto::Argon2Params cheap{1, 8 * 1024};
  auto a = DeriveReporterKeys("Abacus  Zoom", "a.example/log", cheap);
  auto b = DeriveReporterKeys(" abacus zoom\n", "a.example/log", cheap);
  auto c = DeriveReporterKeys("abacus zoom", "b.example/log", cheap);
  ASSERT_TRUE(a.has_value() && b.has_value() && c.has_value());
  EXPECT_EQ(a->lookup_id, b->lookup_id);
  EXPECT_EQ(a->recipient, b->recipient);
  EXPECT_NE(a->lookup_id, c->lookup_id);
  EXPECT_NE(a->recipient, c->recipient);
  // The two contexts give unrelated bytes.
  EXPECT_NE(HexEncode(a->lookup_id), HexEncode(AsBytes(Text(a->identity)).first(32)));
  EXPECT_EQ(DeriveReporterKeys("  ", "a.example/log", cheap).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(DeriveLoginSecret("x", AsBytes("short"), cheap).error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::auth

#include "cases/export.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "base/hex.h"
#include "cases/cases.h"
#include "crypto/age/x25519_recipient.h"
#include "crypto/sha256.h"
#include "reports/reports.h"
#include "testing/seeded_random.h"
#include "testing/test_instance.h"
#include "testing/value_of.h"

namespace vigil::cases {
namespace {

namespace json = boost::json;
using testing::Engine;
using testing::TestInstance;
using testing::ValueOf;

std::string Hex256(ByteSpan b) { return HexEncode(crypto::Sha256(b)); }

// A real instance with one report carrying one evidence file, a case about it, and the package
// a coordinator's browser would make of it.
class ExportTest : public ::testing::Test {
 protected:
  ExportTest()
      : instance_(Engine::kSqlite),
        organisation_(age::X25519Identity::Generate(random_)),
        reporter_(age::X25519Identity::Generate(random_)),
        reports_(instance_.ledger(), instance_.db(), random_),
        cases_(instance_.ledger(), instance_.db(), random_) {
    auto org = organisation_.ToRecipient();
    auto me = reporter_.ToRecipient();
    const age::Recipient* both[] = {&org, &me};
    const age::Recipient* org_only[] = {&org};
    evidence_ = ToBytes("the original photograph, byte for byte");
    Bytes evidence_file = ValueOf(age::EncryptBytes(evidence_, both, random_));
    auto stored = ValueOf(instance_.blobs().Put(evidence_file));
    reports::AttachmentBlob blob{{}, stored.first, stored.second};
    random_.Fill(blob.id);
    auto ack =
        ValueOf(reports_.Submit({Bytes(32, 1),
                                 me.ToString(),
                                 ValueOf(age::EncryptBytes(ToBytes("report"), both, random_)),
                                 {blob}}));
    auto opened = ValueOf(cases_.Create(
        ValueOf(age::EncryptBytes(ToBytes(R"({"format":"vigil-case/v1"})"), org_only, random_)),
        translog::ActorId{3}));
    ValueOf(instance_.log().PublishNow());
    auto fetch = [this](const std::string& path) { return instance_.log_dir().Read(path); };
    auto receipt = [&](std::uint64_t index) {
      return translog::FormatReceipt(
          ValueOf(translog::MakeReceipt(fetch, instance_.verifier_key(), index)));
    };
    std::string checkpoint = ValueOf(translog::ParseReceipt(receipt(ack.log_index))).checkpoint;
    Bytes summary = ToBytes("<!doctype html><title>Case</title><p>Summary</p>");
    members_["evidence/1-photo.jpg"] = evidence_;
    members_["ciphertexts/" + std::to_string(ack.attachments[0].second) + ".age"] = evidence_file;
    members_["summary.html"] = summary;
    json::object revision_entry{
        {"kind", "case_revision"},
        {"id", records::IdText(
                   ValueOf(translog::DecodeEntry(
                               ValueOf(translog::ParseReceipt(receipt(opened.log_index))).entry))
                       .object_id)},
        {"revision", 1},
        {"log_index", opened.log_index},
        {"receipt", receipt(opened.log_index)}};
    manifest_ = json::object{
        {"format", "vigil-case-export/v1"},
        {"case_id", opened.case_id},
        {"revision", 1},
        {"log_origin", TestInstance::kOrigin},
        {"checkpoint", checkpoint},
        {"files",
         json::array{
             json::object{
                 {"path", "evidence/1-photo.jpg"},
                 {"sha256", Hex256(evidence_)},
                 {"size", evidence_.size()},
                 {"ciphertext",
                  json::object{
                      {"path", "ciphertexts/" + std::to_string(ack.attachments[0].second) + ".age"},
                      {"log_index", ack.attachments[0].second},
                      {"receipt", receipt(ack.attachments[0].second)}}}},
             json::object{
                 {"path", "summary.html"}, {"sha256", Hex256(summary)}, {"size", summary.size()}}}},
        {"entries", json::array{json::object{{"kind", "report"},
                                             {"id", ack.message_id},
                                             {"log_index", ack.log_index},
                                             {"receipt", receipt(ack.log_index)}},
                                revision_entry}},
        {"custody", json::array{json::object{{"log_index", opened.log_index}}}}};
  }

  // The package with the manifest as it stands now.
  std::map<std::string, Bytes> Package() {
    auto out = members_;
    out["manifest.json"] = ToBytes(json::serialize(manifest_));
    return out;
  }
  Result<ExportCheck> Verify(const std::map<std::string, Bytes>& package,
                             const age::Identity* identity = nullptr) {
    if (!identity) return VerifyExport(package, instance_.verifier_key());
    const age::Identity* ids[] = {identity};
    return VerifyExport(package, instance_.verifier_key(), ids);
  }
  json::object& EvidenceFile() { return manifest_["files"].as_array()[0].as_object(); }

  vigil::testing::SeededRandom random_{11};
  TestInstance instance_;
  age::X25519Identity organisation_, reporter_;
  reports::Reports reports_;
  Cases cases_;
  Bytes evidence_;
  std::map<std::string, Bytes> members_;
  json::object manifest_;
};

TEST_F(ExportTest, AGoodPackageVerifiesWithAndWithoutTheIdentity) {
  ExportCheck check = ValueOf(Verify(Package()));
  EXPECT_EQ(check.files, 2u);
  EXPECT_EQ(check.evidence, 1u);
  EXPECT_EQ(check.entries, 2u);
  EXPECT_FALSE(check.decrypted);
  EXPECT_TRUE(ValueOf(Verify(Package(), &organisation_)).decrypted);
}

TEST_F(ExportTest, EveryChangedByteIsFound) {
  auto package = Package();
  for (const auto& [name, bytes] : package) {
    for (std::size_t at : {std::size_t{0}, bytes.size() / 2, bytes.size() - 1}) {
      auto changed = package;
      changed[name][at] ^= 0x01;
      EXPECT_FALSE(Verify(changed).has_value()) << name << " byte " << at;
    }
  }
}

TEST_F(ExportTest, MissingExtraOrForeignPartsAreRefused) {
  auto missing = Package();
  missing.erase("summary.html");
  EXPECT_EQ(Verify(missing).error().code, Errc::kCorrupt);
  auto extra = Package();
  extra["notes.txt"] = ToBytes("unlisted");
  EXPECT_EQ(Verify(extra).error().code, Errc::kInvalidArgument);
  auto no_manifest = Package();
  no_manifest.erase("manifest.json");
  EXPECT_EQ(Verify(no_manifest).error().code, Errc::kInvalidArgument);

  // Another log's key: nothing verifies.
  auto other = translog::GenerateSignerKey(TestInstance::kOrigin, random_);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(VerifyExport(Package(), other->verifier_key()).error().code, Errc::kUnauthenticated);

  // An original swapped for another file with a matching manifest line: caught only by
  // decryption, which is what --identity is for.
  Bytes forged = ToBytes("a different photograph");
  members_["evidence/1-photo.jpg"] = forged;
  EvidenceFile()["sha256"] = Hex256(forged);
  EvidenceFile()["size"] = forged.size();
  EXPECT_TRUE(Verify(Package()).has_value());
  EXPECT_EQ(Verify(Package(), &organisation_).error().code, Errc::kCorrupt);
  auto wrong = age::X25519Identity::Generate(random_);
  EXPECT_EQ(Verify(Package(), &wrong).error().code, Errc::kCorrupt);
}

// The manifest itself is anchored by the receipt of the custody entry that logged its digest.
TEST_F(ExportTest, TheManifestReceiptAnchorsTheManifest) {
  auto package = Package();
  const Bytes& manifest = package["manifest.json"];
  std::string case_id(manifest_["case_id"].as_string());
  auto anchor_for = [&](std::string_view digest) {
    auto logged = ValueOf(cases_.RecordExport(case_id, 1, digest, translog::ActorId{3}));
    ValueOf(instance_.log().PublishNow());
    auto fetch = [this](const std::string& path) { return instance_.log_dir().Read(path); };
    return std::pair(logged.log_index,
                     ToBytes(translog::FormatReceipt(ValueOf(
                         translog::MakeReceipt(fetch, instance_.verifier_key(), logged.log_index)))));
  };
  EXPECT_FALSE(ValueOf(Verify(package)).anchored_at.has_value());

  auto [index, anchor] = anchor_for(Hex256(manifest));
  package[std::string(kAnchorName)] = anchor;
  EXPECT_EQ(ValueOf(Verify(package)).anchored_at, index);
  for (std::size_t at : {std::size_t{0}, anchor.size() / 2, anchor.size() - 2}) {
    auto changed = package;
    changed[std::string(kAnchorName)][at] ^= 0x01;
    EXPECT_FALSE(Verify(changed).has_value()) << "anchor byte " << at;
  }

  // The export of another manifest, and a receipt of an entry that is no export.
  auto other = package;
  other[std::string(kAnchorName)] = anchor_for(std::string(64, 'a')).second;
  EXPECT_EQ(Verify(other).error().code, Errc::kCorrupt);
  std::string report_receipt(
      manifest_["entries"].as_array()[0].as_object()["receipt"].as_string());
  other[std::string(kAnchorName)] = ToBytes(report_receipt);
  EXPECT_EQ(Verify(other).error().code, Errc::kInvalidArgument);
}

TEST_F(ExportTest, ManifestsAreParsedStrictly) {
  for (const char* name : {"", "/abs", "a/../b", "a//b", "./a", "a\\b", "c:x", "a/"})
    EXPECT_FALSE(IsSafeMemberName(name)) << name;
  for (const char* name : {"evidence/1-photo.jpg", "summary.html", "ciphertexts/12.age"})
    EXPECT_TRUE(IsSafeMemberName(name)) << name;
  auto bad = [&](auto mutate) {
    json::object saved = manifest_;
    mutate();
    auto r = ParseExportManifest(json::serialize(manifest_));
    manifest_ = saved;
    return r.has_value() ? Errc::kInternal : r.error().code;
  };
  EXPECT_EQ(bad([&] { manifest_["format"] = "v2"; }), Errc::kInvalidArgument);
  EXPECT_EQ(bad([&] { manifest_["extra"] = 1; }), Errc::kInvalidArgument);
  EXPECT_EQ(bad([&] { EvidenceFile()["path"] = "../etc/passwd"; }), Errc::kInvalidArgument);
  EXPECT_EQ(bad([&] { EvidenceFile()["sha256"] = "AB"; }), Errc::kInvalidArgument);
  EXPECT_EQ(bad([&] { manifest_["entries"].as_array()[0].as_object()["kind"] = "x"; }),
            Errc::kInvalidArgument);
  EXPECT_EQ(bad([&] { manifest_["entries"].as_array()[0].as_object()["receipt"] = "x"; }),
            Errc::kInvalidArgument);
  EXPECT_EQ(ParseExportManifest("[]").error().code, Errc::kInvalidArgument);

  // Entries that verify but say something else than the manifest claims.
  auto& entries = manifest_["entries"].as_array();
  std::swap(entries[0].as_object()["kind"], entries[1].as_object()["kind"]);
  EXPECT_EQ(Verify(Package()).error().code, Errc::kInvalidArgument);
  std::swap(entries[0].as_object()["kind"], entries[1].as_object()["kind"]);
  entries[0].as_object()["log_index"] = entries[1].as_object()["log_index"];
  EXPECT_EQ(Verify(Package()).error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::cases

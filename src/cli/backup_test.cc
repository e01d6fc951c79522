#include "cli/backup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "base/hex.h"
#include "base/random.h"
#include "cli/backup_manifest.h"
#include "cli/files.h"
#include "server/config.h"
#include "store/blob_store.h"
#include "testing/test_paths.h"
#include "translog/appender.h"
#include "translog/entry.h"

namespace vigil::cli {
namespace {

namespace fs = std::filesystem;
constexpr char kOrigin[] = "backup.test/vigil";

TEST(LogFilesAt, NamesTheTilesOfTheFormatDocumentsExample) {
  // docs/formats/log.md: "A tree of 70,000 entries has 273 full level-0 tiles,
  // tile/0/273.p/112, tile/1/000, tile/1/001.p/17 and tile/2/000.p/1, and bundles
  // tile/entries/000 to 272 and tile/entries/273.p/112."
  std::vector<std::string> files = LogFilesAt(70'000);
  ASSERT_EQ(files.size(), 274u + 274u + 2u + 1u);
  EXPECT_EQ(files[0], "tile/entries/000");
  EXPECT_EQ(files[272], "tile/entries/272");
  EXPECT_EQ(files[273], "tile/entries/273.p/112");
  EXPECT_EQ(files[274], "tile/0/000");
  EXPECT_EQ(files[274 + 272], "tile/0/272");
  EXPECT_EQ(files[274 + 273], "tile/0/273.p/112");
  EXPECT_EQ(files[548], "tile/1/000");
  EXPECT_EQ(files[549], "tile/1/001.p/17");
  EXPECT_EQ(files[550], "tile/2/000.p/1");
}

TEST(LogFilesAt, SmallTrees) {
  EXPECT_TRUE(LogFilesAt(0).empty());
  EXPECT_EQ(LogFilesAt(1), (std::vector<std::string>{"tile/entries/000.p/1", "tile/0/000.p/1"}));
  EXPECT_EQ(LogFilesAt(256),
            (std::vector<std::string>{"tile/entries/000", "tile/0/000", "tile/1/000.p/1"}));
}

// A data directory as `vigil init` makes it, with `count` entries: two of every three commit to
// a blob (statistics, which no applier indexes), the others to none (logins).
class BackupTest : public ::testing::Test {
 protected:
  void MakeInstance(std::uint64_t count) {
    fs::path dir = data_dir();
    fs::create_directories(dir / "keys");
    auto key = translog::GenerateSignerKey(kOrigin, SystemRandom::Get());
    ASSERT_TRUE(key);
    {
      auto file = OutputFile::Create((dir / "keys" / "log.key").string(), 0600);
      ASSERT_TRUE(file);
      ASSERT_TRUE((*file)->sink().Write(translog::FormatSignerKey(*key).span()));
      ASSERT_TRUE((*file)->Commit());
    }
    verifier_ = key->verifier_key();
    ASSERT_TRUE(translog::Appender::Init(dir / "log", kOrigin, *key));
    server::Config config;
    config.data_dir = ".";
    config.log_origin = kOrigin;
    std::ofstream(dir / "vigil.conf") << server::FormatConfig(config);

    auto blobs = store::BlobStore::Open(dir / "blobs", {0});
    ASSERT_TRUE(blobs);
    auto log = translog::Appender::Open({dir / "log", kOrigin}, std::move(*key));
    ASSERT_TRUE(log) << log.error().ToString();
    std::vector<Bytes> entries;
    for (std::uint64_t i = 0; i < count; ++i) {
      translog::Entry entry;
      entry.object_id[0] = static_cast<std::uint8_t>(i);
      entry.object_id[1] = static_cast<std::uint8_t>(i >> 8);
      if (i % 3 == 2) {
        entry.type = translog::EntryType::kLogin;
      } else {
        entry.type = translog::EntryType::kAttachment;  // a raw blob, no record to parse
        auto put = (*blobs)->PutUnsynced(AsBytes("blob " + std::to_string(i)));
        ASSERT_TRUE(put);
        entry.blob_sha256 = put->first;
        entry.blob_size = put->second;
      }
      entries.push_back(translog::EncodeEntry(entry));
    }
    if (!entries.empty()) {
      ASSERT_TRUE((*log)->Append(std::move(entries)));
    }
    ASSERT_TRUE((*log)->PublishNow());
  }

  fs::path data_dir() const { return dir_.path() / "inst"; }
  fs::path backup_dir() const { return dir_.path() / "backup"; }

  vigil::testing::TempDir dir_;
  translog::VerifierKey verifier_;
};

TEST_F(BackupTest, AnEmptyLogBacksUpVerifiesAndRestores) {
  MakeInstance(0);
  auto written = WriteBackup(data_dir(), backup_dir(), std::nullopt);
  ASSERT_TRUE(written) << written.error().ToString();
  EXPECT_EQ(written->tree_size, 0u);
  EXPECT_EQ(written->blobs, 0u);
  EXPECT_EQ(written->database, "none");  // vigild never ran: no index to copy
  auto verified = VerifyBackup(backup_dir(), verifier_);
  ASSERT_TRUE(verified) << verified.error().ToString();
  RestoreOptions options;
  options.backup = backup_dir();
  options.data_dir = dir_.path() / "restored";
  auto restored = RestoreBackup(std::move(options));
  ASSERT_TRUE(restored) << restored.error().ToString();
  EXPECT_FALSE(restored->indexed);
}

TEST_F(BackupTest, SizesAroundATileBoundaryRoundTrip) {
  for (std::uint64_t size : {1u, 255u, 256u, 257u}) {
    SCOPED_TRACE(size);
    fs::remove_all(dir_.path() / "inst");
    fs::remove_all(backup_dir());
    fs::remove_all(dir_.path() / "restored");
    MakeInstance(size);
    auto written = WriteBackup(data_dir(), backup_dir(), verifier_);
    ASSERT_TRUE(written) << written.error().ToString();
    EXPECT_EQ(written->tree_size, size);
    EXPECT_EQ(written->blobs, size - size / 3);
    ASSERT_TRUE(VerifyBackup(backup_dir(), verifier_));

    auto signer = translog::ParseSignerKey([&] {
      std::ifstream in(data_dir() / "keys" / "log.key");
      std::string text;
      std::getline(in, text);
      return text;
    }());
    ASSERT_TRUE(signer);
    RestoreOptions options;
    options.backup = backup_dir();
    options.data_dir = dir_.path() / "restored";
    options.log_key.emplace(std::move(*signer));
    auto restored = RestoreBackup(std::move(options));
    ASSERT_TRUE(restored) << restored.error().ToString();
    EXPECT_TRUE(restored->indexed);
    EXPECT_EQ(restored->entries_indexed, size);
    EXPECT_TRUE(fs::exists(dir_.path() / "restored" / "vigil.db"));
  }
}

TEST_F(BackupTest, ABlobThatNoEntryNamesIsRefusedEvenWhenListed) {
  MakeInstance(3);
  ASSERT_TRUE(WriteBackup(data_dir(), backup_dir(), std::nullopt));
  // An extra blob, with a manifest rewritten to list it: only the log can tell.
  std::string extra = "not committed to by the log";
  BackupFile file;
  file.sha256 = crypto::Sha256(AsBytes(extra));
  file.size = extra.size();
  std::string hex = HexEncode(file.sha256);
  file.path = "blobs/" + hex.substr(0, 2) + "/" + hex.substr(2);
  fs::create_directories(backup_dir() / "blobs" / hex.substr(0, 2));
  std::ofstream(backup_dir() / file.path) << extra;
  auto text = ReadSmallFile((backup_dir() / "MANIFEST").string());
  ASSERT_TRUE(text);
  auto manifest = ParseBackupManifest(*text);
  ASSERT_TRUE(manifest);
  manifest->files.push_back(file);
  manifest->blobs += 1;
  std::sort(manifest->files.begin(), manifest->files.end(),
            [](const BackupFile& a, const BackupFile& b) { return a.path < b.path; });
  std::ofstream(backup_dir() / "MANIFEST", std::ios::trunc) << FormatBackupManifest(*manifest);

  auto verified = VerifyBackup(backup_dir(), std::nullopt);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().code, Errc::kCorrupt);
  EXPECT_EQ(verified.error().detail, file.path + " is named by no entry of the log");
}

TEST_F(BackupTest, TheInstancesOwnDamageStopsTheBackup) {
  MakeInstance(4);
  // Alter one blob in the instance: the backup refuses to copy it and leaves nothing behind.
  fs::path blobs = data_dir() / "blobs";
  fs::path victim;
  for (const auto& e : fs::recursive_directory_iterator(blobs))
    if (e.is_regular_file() && e.path().parent_path().filename() != "tmp") victim = e.path();
  ASSERT_FALSE(victim.empty());
  std::ofstream(victim, std::ios::app) << "x";
  auto written = WriteBackup(data_dir(), backup_dir(), std::nullopt);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, Errc::kCorrupt);
  EXPECT_NE(written.error().detail.find("does not match its entry"), std::string::npos);
  EXPECT_FALSE(fs::exists(backup_dir()));
  EXPECT_FALSE(fs::exists(backup_dir().string() + ".partial"));
}

TEST_F(BackupTest, RestoreRefusesAKeyOtherThanTheTrustedOne) {
  MakeInstance(2);
  ASSERT_TRUE(WriteBackup(data_dir(), backup_dir(), std::nullopt));
  auto other = translog::GenerateSignerKey("other.test/vigil", SystemRandom::Get());
  ASSERT_TRUE(other);
  RestoreOptions options;
  options.backup = backup_dir();
  options.data_dir = dir_.path() / "restored";
  options.log_key.emplace(std::move(*other));
  auto restored = RestoreBackup(std::move(options));
  ASSERT_FALSE(restored);
  EXPECT_EQ(restored.error().code, Errc::kUnauthenticated);
  EXPECT_FALSE(fs::exists(dir_.path() / "restored"));
}

}  // namespace
}  // namespace vigil::cli

#include "translog/audit.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/seeded_random.h"
#include "testing/test_paths.h"
#include "translog/appender.h"
#include "translog/receipt.h"

namespace vigil::translog {
namespace {

constexpr char kOrigin[] = "audit.example/log";

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Appender::Init(dir_.path(), kOrigin, Key()));
    Fill(600);
    old_checkpoint_ = Read("checkpoint");
    Fill(500);
  }
  SignerKey Key() {
    vigil::testing::SeededRandom random(17);
    return std::move(*GenerateSignerKey(kOrigin, random));
  }
  void Fill(std::size_t n) {
    AppenderOptions options;
    options.dir = dir_.path();
    options.origin = kOrigin;
    auto log = Appender::Open(options, Key());
    ASSERT_TRUE(log);
    for (std::size_t i = 0; i < n; ++i)
      ASSERT_TRUE((*log)->Append(ToBytes("entry " + std::to_string(i))));
  }
  std::string Read(const std::string& path) {
    std::ifstream in(dir_.path() / path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  void FlipByte(const std::string& path, std::size_t offset) {
    std::fstream f(dir_.path() / path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = static_cast<char>(f.get());
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(c ^ 1));
  }
  Fetch DirFetch() {
    auto dir = std::make_shared<LogDirectory>(*LogDirectory::Open(dir_.path()));
    return [dir](const std::string& path) { return dir->Read(path); };
  }
  Result<AuditReport> Audit(std::optional<std::string> since = std::nullopt) {
    AuditOptions options;
    options.log_key = Key().verifier_key();
    options.since = std::move(since);
    return AuditLog(DirFetch(), options);
  }
  vigil::testing::TempDir dir_;
  std::string old_checkpoint_;
};

TEST_F(AuditTest, AcceptsAnIntactLogAndItsHistory) {
  auto report = Audit(old_checkpoint_);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->checkpoint.size, 1100u);
  EXPECT_EQ(report->tiles_checked, 4u + 2u);  // 4 full level-0 tiles; partial level 0 and 1
}

TEST_F(AuditTest, NamesAFlippedByteInATile) {
  FlipByte("tile/0/001", 32 * 17 + 3);
  auto report = Audit();
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, Errc::kCorrupt);
  EXPECT_EQ(report.error().detail,
            "entry 273 in tile/entries/001 does not match hash 17 of tile/0/001");
}

TEST_F(AuditTest, NamesAFlippedByteInAnEntryBundle) {
  FlipByte("tile/entries/002", 10);
  auto report = Audit();
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().detail,
            "entry 512 in tile/entries/002 does not match hash 0 of tile/0/002");
}

TEST_F(AuditTest, DetectsARemovedEntryAndAMissingBundle) {
  std::string bundle = Read("tile/entries/001");
  std::ofstream(dir_.path() / "tile/entries/001", std::ios::binary | std::ios::trunc)
      << bundle.substr(0, bundle.size() - 11);  // the last entry ("entry 255" plus its length)
  auto report = Audit();
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, Errc::kCorrupt);
  EXPECT_NE(report.error().detail.find("tile/entries/001"), std::string::npos)
      << report.error().detail;
  std::filesystem::remove(dir_.path() / "tile/entries/001");
  report = Audit();
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, Errc::kNotFound);
  EXPECT_EQ(report.error().detail, "tile/entries/001 is missing");
}

TEST_F(AuditTest, DetectsATamperedCheckpointAndAFork) {
  std::string cp = Read("checkpoint");
  FlipByte("checkpoint", cp.find('\n') + 2);  // a digit of the size
  auto report = Audit();
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, Errc::kUnauthenticated);

  // A fork: another log with the same key and size but different entries.
  vigil::testing::TempDir other;
  ASSERT_TRUE(Appender::Init(other.path(), kOrigin, Key()));
  {
    AppenderOptions options;
    options.dir = other.path();
    options.origin = kOrigin;
    auto log = Appender::Open(options, Key());
    for (std::size_t i = 0; i < 600; ++i)
      ASSERT_TRUE((*log)->Append(ToBytes("forked " + std::to_string(i))));
  }
  std::ifstream in(other.path() / "checkpoint");
  std::string forked((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(dir_.path() / "checkpoint", std::ios::trunc) << cp;
  report = Audit(forked);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, Errc::kUnauthenticated);
  EXPECT_EQ(report.error().detail,
            "the log does not extend the older checkpoint of size 600 (entries before it changed)");
}

TEST_F(AuditTest, ReceiptsVerifyOfflineAndFailWhenAltered) {
  for (std::uint64_t index : {0u, 255u, 256u, 1099u}) {
    auto receipt = MakeReceipt(DirFetch(), Key().verifier_key(), index);
    ASSERT_TRUE(receipt) << receipt.error().ToString();
    std::string text = FormatReceipt(*receipt);
    auto parsed = ParseReceipt(text);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(FormatReceipt(*parsed), text);
    auto cp = VerifyReceipt(*parsed, Key().verifier_key());
    ASSERT_TRUE(cp);
    EXPECT_EQ(cp->size, 1100u);
    Receipt altered = *parsed;
    altered.entry.push_back('!');
    EXPECT_EQ(VerifyReceipt(altered, Key().verifier_key()).error().code, Errc::kUnauthenticated);
    altered = *parsed;
    altered.index ^= 1;
    EXPECT_FALSE(VerifyReceipt(altered, Key().verifier_key()));
  }
  EXPECT_EQ(MakeReceipt(DirFetch(), Key().verifier_key(), 1100).error().code,
            Errc::kInvalidArgument);
  EXPECT_FALSE(ParseReceipt("vigil-receipt/v1\nindex 01\n"));
}

}  // namespace
}  // namespace vigil::translog

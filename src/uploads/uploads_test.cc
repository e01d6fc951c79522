#include "uploads/uploads.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "crypto/age/age.h"
#include "crypto/age/x25519_recipient.h"
#include "testing/fake_clock.h"
#include "testing/seeded_random.h"
#include "testing/test_paths.h"

namespace vigil::uploads {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

class UploadsTest : public ::testing::Test {
 protected:
  UploadsTest() {
    auto blobs = store::BlobStore::Open(dir_.path() / "blobs", {0});
    EXPECT_TRUE(blobs);
    blobs_ = std::move(*blobs);
    options_.max_upload_bytes = 1 << 20;
    options_.quota_bytes = 4 << 20;
    options_.disk_reserve_bytes = 0;
    options_.expiry = hours(1);
    options_.checkpoint_bytes = 64 << 10;
    Reopen();
  }

  void Reopen() {
    uploads_.reset();
    auto opened = Uploads::Open(dir_.path() / "uploads", *blobs_, clock_, random_, options_);
    ASSERT_TRUE(opened) << opened.error().ToString();
    uploads_ = std::move(*opened);
  }

  // An evidence file: age, to an organisation and a reporter.
  Bytes Evidence(std::size_t plaintext_size, std::size_t recipients = 2) {
    Bytes plain(plaintext_size);
    random_.Fill(plain);
    auto org = age::X25519Identity::Generate(random_).ToRecipient();
    auto me = age::X25519Identity::Generate(random_).ToRecipient();
    auto third = age::X25519Identity::Generate(random_).ToRecipient();
    const age::Recipient* r[] = {&org, &me, &third};
    return *age::EncryptBytes(plain, std::span<const age::Recipient* const>(r, recipients),
                              random_);
  }

  // Writes and hashes a piece, as the PATCH route does on two threads.
  static Status Put(UploadWriter& writer, ByteSpan data) {
    writer.Hash(data);
    return writer.Write(data);
  }

  // Appends `data` from `offset` in pieces of `piece` bytes and commits.
  Result<UploadStatus> Append(const std::string& id, std::uint64_t offset, ByteSpan data,
                              std::size_t piece = 10000) {
    VIGIL_ASSIGN_OR_RETURN(auto writer, uploads_->BeginAppend(id, offset));
    for (std::size_t pos = 0; pos < data.size(); pos += piece)
      VIGIL_RETURN_IF_ERROR(Put(*writer, data.subspan(pos, std::min(piece, data.size() - pos))));
    return writer->Commit();
  }

  std::size_t FilesIn(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      n += e.is_regular_file();
    return n;
  }

  std::filesystem::path PartOf(const std::string& id) {
    return dir_.path() / "uploads" / (id + ".part");
  }

  vigil::testing::TempDir dir_;
  vigil::testing::FakeClock clock_;
  vigil::testing::SeededRandom random_{7};
  std::unique_ptr<store::BlobStore> blobs_;
  UploadsOptions options_;
  std::unique_ptr<Uploads> uploads_;
};

TEST_F(UploadsTest, CreateAppendFinishAndClaimOnce) {
  Bytes file = Evidence(300000);
  auto created = uploads_->Create(file.size());
  ASSERT_TRUE(created);
  EXPECT_EQ(created->id.size(), 32u);
  EXPECT_EQ(created->offset, 0u);
  EXPECT_EQ(created->length, file.size());
  EXPECT_EQ(created->expires, clock_.Now() + hours(1));
  EXPECT_FALSE(created->finished);

  auto half = Append(created->id, 0, ByteSpan(file).first(150000));
  ASSERT_TRUE(half) << half.error().ToString();
  EXPECT_EQ(half->offset, 150000u);
  EXPECT_FALSE(half->finished);
  auto rest = Append(created->id, 150000, ByteSpan(file).subspan(150000));
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_TRUE(rest->finished);
  EXPECT_EQ(uploads_->Get(created->id)->offset, file.size());

  auto blob = uploads_->Claim(created->id);
  ASSERT_TRUE(blob) << blob.error().ToString();
  EXPECT_EQ(blob->sha256, crypto::Sha256(file));
  EXPECT_EQ(blob->size, file.size());
  EXPECT_NE(blob->id, translog::ObjectId{});
  auto source = blobs_->Open(blob->sha256);
  ASSERT_TRUE(source);
  Bytes back(file.size() + 1);
  EXPECT_EQ(*ReadFull(**source, back), file.size());
  back.resize(file.size());
  EXPECT_EQ(back, file);

  EXPECT_EQ(uploads_->Claim(created->id).error().code, Errc::kNotFound);
  EXPECT_EQ(uploads_->Get(created->id).error().code, Errc::kNotFound);
  EXPECT_EQ(FilesIn(dir_.path() / "uploads"), 0u);
}

// A message names its uploads together: one that is not finished (or has expired) must not use
// up the others, which the client sends again with it.
TEST_F(UploadsTest, ClaimsAllUploadsOfAMessageOrNone) {
  Bytes first = Evidence(1000), second = Evidence(2000);
  auto a = uploads_->Create(first.size());
  auto b = uploads_->Create(second.size());
  auto unfinished = uploads_->Create(500);
  ASSERT_TRUE(a && b && unfinished);
  ASSERT_TRUE(Append(a->id, 0, first));
  ASSERT_TRUE(Append(b->id, 0, second));

  std::vector<std::string> with_unfinished{a->id, b->id, unfinished->id};
  EXPECT_EQ(uploads_->ClaimAll(with_unfinished).error().code, Errc::kNotFound);
  std::vector<std::string> with_unknown{a->id, std::string(32, 'f'), b->id};
  EXPECT_EQ(uploads_->ClaimAll(with_unknown).error().code, Errc::kNotFound);
  EXPECT_TRUE(uploads_->Get(a->id)->finished);
  EXPECT_TRUE(uploads_->Get(b->id)->finished);

  std::vector<std::string> both{a->id, b->id};
  auto blobs = uploads_->ClaimAll(both);
  ASSERT_TRUE(blobs) << blobs.error().ToString();
  ASSERT_EQ(blobs->size(), 2u);
  EXPECT_EQ((*blobs)[0].sha256, crypto::Sha256(first));
  EXPECT_EQ((*blobs)[1].sha256, crypto::Sha256(second));
  EXPECT_EQ(uploads_->ClaimAll(both).error().code, Errc::kNotFound);
}

TEST_F(UploadsTest, ResumesAfterReopenFromTheDurableOffsetOnly) {
  Bytes file = Evidence(200000);
  auto created = uploads_->Create(file.size());
  ASSERT_TRUE(created);
  ASSERT_TRUE(Append(created->id, 0, ByteSpan(file).first(70000)));
  // A crash after bytes reached the file but before the offset was recorded: they are not
  // counted, and are cut off at start-up.
  {
    std::ofstream out(PartOf(created->id), std::ios::binary | std::ios::app);
    out << "bytes that were never acknowledged";
  }
  Reopen();
  auto state = uploads_->Get(created->id);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->offset, 70000u);
  EXPECT_EQ(std::filesystem::file_size(PartOf(created->id)), 70000u);
  ASSERT_TRUE(Append(created->id, 70000, ByteSpan(file).subspan(70000)));
  Reopen();  // a finished upload waits for its claim across restarts too
  auto blob = uploads_->Claim(created->id);
  ASSERT_TRUE(blob) << blob.error().ToString();
  EXPECT_EQ(blob->sha256, crypto::Sha256(file));
}

TEST_F(UploadsTest, OffsetMismatchAndBusyUploadsAreRefused) {
  Bytes file = Evidence(100000);
  auto created = uploads_->Create(file.size());
  ASSERT_TRUE(created);
  EXPECT_EQ(uploads_->BeginAppend(created->id, 5).error().code, Errc::kFailedPrecondition);
  {
    auto writer = uploads_->BeginAppend(created->id, 0);
    ASSERT_TRUE(writer);
    EXPECT_EQ(uploads_->BeginAppend(created->id, 0).error().code, Errc::kUnavailable);
    EXPECT_EQ(uploads_->Terminate(created->id).error().code, Errc::kUnavailable);
    ASSERT_TRUE(Put(**writer, ByteSpan(file).first(1000)));
  }
  // Destroyed without Commit: nothing was kept.
  EXPECT_EQ(uploads_->Get(created->id)->offset, 0u);
  EXPECT_EQ(std::filesystem::file_size(PartOf(created->id)), 0u);
  ASSERT_TRUE(Append(created->id, 0, file));
  // A finished upload takes no more bytes.
  EXPECT_EQ(uploads_->BeginAppend(created->id, file.size()).error().code,
            Errc::kFailedPrecondition);
}

TEST_F(UploadsTest, ChecksumMismatchDiscardsTheAppendedBytes) {
  Bytes file = Evidence(100000);
  auto created = uploads_->Create(file.size());
  ASSERT_TRUE(created);
  ByteSpan first = ByteSpan(file).first(80000);
  {
    auto writer = uploads_->BeginAppend(created->id, 0, crypto::Sha256(AsBytes("other")));
    ASSERT_TRUE(writer);
    ASSERT_TRUE(Put(**writer, first));
    EXPECT_EQ((*writer)->Commit().error().code, Errc::kCorrupt);
  }
  EXPECT_EQ(uploads_->Get(created->id)->offset, 0u);
  EXPECT_EQ(std::filesystem::file_size(PartOf(created->id)), 0u);
  {
    // With a checksum, an append that ends early keeps nothing either (it cannot be checked).
    auto writer = uploads_->BeginAppend(created->id, 0, crypto::Sha256(first));
    ASSERT_TRUE(writer);
    ASSERT_TRUE(Put(**writer, first.first(1000)));
    EXPECT_EQ((*writer)->Commit(false).error().code, Errc::kCorrupt);
  }
  EXPECT_EQ(uploads_->Get(created->id)->offset, 0u);
  auto writer = uploads_->BeginAppend(created->id, 0, crypto::Sha256(first));
  ASSERT_TRUE(writer);
  ASSERT_TRUE(Put(**writer, first));
  auto committed = (*writer)->Commit();
  ASSERT_TRUE(committed);
  EXPECT_EQ(committed->offset, 80000u);
  writer->reset();
  ASSERT_TRUE(Append(created->id, 80000, ByteSpan(file).subspan(80000)));
  // The running hash was dropped with the discarded bytes: the claim's digest is still right.
  EXPECT_EQ(uploads_->Claim(created->id)->sha256, crypto::Sha256(file));
}

TEST_F(UploadsTest, EveryByteWrittenMustBeHashed) {
  Bytes file = Evidence(100000);
  auto created = uploads_->Create(file.size());
  ASSERT_TRUE(created);
  {
    auto writer = uploads_->BeginAppend(created->id, 0);
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->Write(ByteSpan(file).first(1000)));
    EXPECT_EQ((*writer)->Commit().error().code, Errc::kFailedPrecondition);
  }
  EXPECT_EQ(uploads_->Get(created->id)->offset, 0u);
  ASSERT_TRUE(Append(created->id, 0, file));
  EXPECT_EQ(uploads_->Claim(created->id)->sha256, crypto::Sha256(file));
}

TEST_F(UploadsTest, AnInterruptedAppendWithoutChecksumKeepsWhatArrived) {
  Bytes file = Evidence(100000);
  auto created = uploads_->Create(file.size());
  ASSERT_TRUE(created);
  auto writer = uploads_->BeginAppend(created->id, 0);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(Put(**writer, ByteSpan(file).first(12345)));
  auto kept = (*writer)->Commit(false);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->offset, 12345u);
}

TEST_F(UploadsTest, LongAppendsCheckpointTheirProgress) {
  Bytes file = Evidence(300000);
  auto created = uploads_->Create(file.size());
  ASSERT_TRUE(created);
  {
    auto writer = uploads_->BeginAppend(created->id, 0);
    ASSERT_TRUE(writer);
    for (std::size_t pos = 0; pos < 200000; pos += 10000)
      ASSERT_TRUE(Put(**writer, ByteSpan(file).subspan(pos, 10000)));
    // Every 64 KiB (checkpoint_bytes here) the append made itself durable and visible.
    EXPECT_EQ(uploads_->Get(created->id)->offset, 140000u);
  }
  // Abandoned mid-way (vigild stopped): what was checkpointed stays.
  EXPECT_EQ(uploads_->Get(created->id)->offset, 140000u);
  Reopen();
  EXPECT_EQ(uploads_->Get(created->id)->offset, 140000u);
  ASSERT_TRUE(Append(created->id, 140000, ByteSpan(file).subspan(140000)));
  EXPECT_EQ(uploads_->Claim(created->id)->sha256, crypto::Sha256(file));
}

TEST_F(UploadsTest, ChangedLimitsApplyToTheNextCreation) {
  auto limits = std::make_shared<UploadLimits>(UploadLimits{1000, hours(1)});
  options_.limits = [limits] { return *limits; };
  Reopen();
  EXPECT_EQ(uploads_->Create(1001).error().code, Errc::kInvalidArgument);
  limits->max_upload_bytes = 2000;
  limits->expiry = hours(5);
  auto created = uploads_->Create(1001);
  ASSERT_TRUE(created);
  EXPECT_GT(created->expires, clock_.Now() + hours(4));
}

TEST_F(UploadsTest, RefusesTooLargeEmptyAndPastTheLength) {
  EXPECT_EQ(uploads_->Create(options_.max_upload_bytes + 1).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(uploads_->Create(0).error().code, Errc::kMalformed);
  Bytes file = Evidence(1000);
  auto created = uploads_->Create(file.size() - 1);
  ASSERT_TRUE(created);
  auto writer = uploads_->BeginAppend(created->id, 0);
  ASSERT_TRUE(writer);
  EXPECT_EQ(Put(**writer, file).error().code, Errc::kInvalidArgument);
  writer->reset();
  EXPECT_EQ(std::filesystem::file_size(PartOf(created->id)), 0u);
}

TEST_F(UploadsTest, QuotaOfUnclaimedUploadsAndDiskReserve) {
  // 4 MiB of quota, 1 MiB uploads.
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto created = uploads_->Create(1 << 20);
    ASSERT_TRUE(created);
    ids.push_back(created->id);
  }
  EXPECT_EQ(uploads_->Create(1).error().code, Errc::kUnavailable);
  ASSERT_TRUE(uploads_->Terminate(ids[0]));
  EXPECT_EQ(uploads_->Get(ids[0]).error().code, Errc::kNotFound);
  EXPECT_TRUE(uploads_->Create(1 << 20));

  options_.quota_bytes = ~0ull / 4;
  options_.disk_reserve_bytes = ~0ull / 2;  // more than any disk has
  Reopen();
  EXPECT_EQ(uploads_->Create(100).error().code, Errc::kResourceExhausted);
}

TEST_F(UploadsTest, AbandonedUploadsExpireAndAreRemovedBySweepAndAtStartUp) {
  Bytes file = Evidence(10000);
  auto a = uploads_->Create(file.size());
  auto b = uploads_->Create(file.size());
  ASSERT_TRUE(a && b);
  clock_.Advance(hours(1) - seconds(1));
  // Each append moves the expiry on.
  ASSERT_TRUE(Append(b->id, 0, ByteSpan(file).first(100)));
  EXPECT_TRUE(uploads_->Get(a->id));
  clock_.Advance(seconds(2));
  EXPECT_EQ(uploads_->Get(a->id).error().code, Errc::kNotFound);
  EXPECT_EQ(uploads_->BeginAppend(a->id, 0).error().code, Errc::kNotFound);
  EXPECT_TRUE(uploads_->Get(b->id));
  EXPECT_EQ(uploads_->RemoveExpired(), 1u);
  EXPECT_FALSE(std::filesystem::exists(PartOf(a->id)));
  EXPECT_TRUE(std::filesystem::exists(PartOf(b->id)));

  // A finished upload nobody claimed expires too; so do uploads while vigild is stopped.
  ASSERT_TRUE(Append(b->id, 100, ByteSpan(file).subspan(100)));
  uploads_.reset();
  clock_.Advance(hours(2));
  Reopen();
  EXPECT_EQ(uploads_->Get(b->id).error().code, Errc::kNotFound);
  EXPECT_EQ(uploads_->Claim(b->id).error().code, Errc::kNotFound);
  EXPECT_EQ(FilesIn(dir_.path() / "uploads"), 0u);
}

TEST_F(UploadsTest, SweeperThreadRemovesExpiredUploads) {
  auto created = uploads_->Create(100);
  ASSERT_TRUE(created);
  clock_.Advance(hours(2));
  uploads_->StartSweeper(std::chrono::milliseconds(5));
  for (int i = 0; i < 400 && std::filesystem::exists(PartOf(created->id)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(std::filesystem::exists(PartOf(created->id)));
}

TEST_F(UploadsTest, NonAgeUploadsAreRefusedAndRemovedEarly) {
  // Plaintext: refused once its first 64 KiB are in, long before its end.
  Bytes plain(500000, 'P');
  auto created = uploads_->Create(plain.size());
  ASSERT_TRUE(created);
  auto refused = Append(created->id, 0, plain, 8192);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kMalformed);
  EXPECT_EQ(uploads_->Get(created->id).error().code, Errc::kNotFound);
  EXPECT_EQ(FilesIn(dir_.path() / "uploads"), 0u);

  // Age, but to three recipients; and a short file that is not age at all.
  Bytes three = Evidence(1000, 3);
  auto other = uploads_->Create(three.size());
  ASSERT_TRUE(other);
  EXPECT_EQ(Append(other->id, 0, three).error().code, Errc::kMalformed);
  Bytes note = ToBytes("just a note in the clear");
  auto short_one = uploads_->Create(note.size());
  ASSERT_TRUE(short_one);
  EXPECT_EQ(Append(short_one->id, 0, note).error().code, Errc::kMalformed);
  // An age file cut where no payload can end (20 bytes: less than a nonce and a tag).
  Bytes file = Evidence(1000);
  const std::size_t cut_size = file.size() - (16 + 1000 + 16) + 20;
  auto truncated = uploads_->Create(cut_size);
  ASSERT_TRUE(truncated);
  auto cut = Append(truncated->id, 0, ByteSpan(file).first(cut_size));
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code, Errc::kMalformed) << cut.error().ToString();
  EXPECT_EQ(FilesIn(dir_.path() / "uploads"), 0u);
}

TEST_F(UploadsTest, AClaimInterruptedAfterTheMoveIsClaimableAfterRestart) {
  Bytes file = Evidence(5000);
  auto created = uploads_->Create(file.size());
  ASSERT_TRUE(created);
  ASSERT_TRUE(Append(created->id, 0, file));
  uploads_.reset();
  // The claim's rename happened; vigild died before the state file was removed.
  ASSERT_TRUE(blobs_->Adopt(PartOf(created->id), crypto::Sha256(file)));
  Reopen();
  auto blob = uploads_->Claim(created->id);
  ASSERT_TRUE(blob) << blob.error().ToString();
  EXPECT_EQ(blob->sha256, crypto::Sha256(file));
  EXPECT_EQ(uploads_->Claim(created->id).error().code, Errc::kNotFound);
}

TEST_F(UploadsTest, IdsThatAreNotUploadIdsNameNothing) {
  auto created = uploads_->Create(100);
  ASSERT_TRUE(created);
  std::string upper = created->id;
  for (auto& c : upper) c = static_cast<char>(std::toupper(c));
  const std::string bad[] = {"",
                             "..",
                             "../" + created->id,
                             created->id + ".part",
                             created->id + "/",
                             upper,
                             created->id.substr(1),
                             std::string(32, 'g')};
  for (const auto& id : bad) {
    EXPECT_EQ(uploads_->Get(id).error().code, Errc::kNotFound) << id;
    EXPECT_EQ(uploads_->BeginAppend(id, 0).error().code, Errc::kNotFound) << id;
    EXPECT_EQ(uploads_->Terminate(id).error().code, Errc::kNotFound) << id;
    EXPECT_EQ(uploads_->Claim(id).error().code, Errc::kNotFound) << id;
  }
  EXPECT_TRUE(uploads_->Get(created->id));
}

TEST_F(UploadsTest, StrayFilesAndBrokenStateFilesAreClearedAtStartUp) {
  auto created = uploads_->Create(100);
  ASSERT_TRUE(created);
  std::filesystem::path dir = dir_.path() / "uploads";
  { std::ofstream(dir / (std::string(32, 'a') + ".part")) << "orphan data"; }
  { std::ofstream(dir / (std::string(32, 'b') + ".info")) << "not a state file"; }
  { std::ofstream(dir / (std::string(32, 'c') + ".info.tmp")) << "half written"; }
  Reopen();
  EXPECT_TRUE(uploads_->Get(created->id));
  EXPECT_EQ(FilesIn(dir), 2u);
}

}  // namespace
}  // namespace vigil::uploads

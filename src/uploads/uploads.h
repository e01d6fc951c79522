// Resumable evidence uploads (the storage side of tus 1.0): an upload is created with its length,
// receives bytes at its offset, survives restarts of vigild, and when its last byte is in, and it
// is an age file to the expected recipients, waits to be claimed as an attachment by a report or a
// message. Abandoned uploads expire. No HTTP here (src/api/upload_routes.h speaks tus).
// Layout and formats: docs/formats/uploads.md.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "crypto/sha256.h"
#include "reports/reports.h"
#include "store/blob_store.h"

namespace vigil::uploads {

// The limits an administrator may change while vigild runs (instance settings).
struct UploadLimits {
  std::uint64_t max_upload_bytes = 2ull << 30;
  std::chrono::seconds expiry = std::chrono::hours(24);
};

struct UploadsOptions {
  std::uint64_t max_upload_bytes = 2ull << 30;
  // Declared lengths of all uploads not yet claimed (in progress or finished) may not add up to
  // more than this.
  std::uint64_t quota_bytes = 16ull << 30;
  // Creation is refused when the free space, less the lengths still to come of the uploads in
  // progress, would not hold the new upload and this reserve.
  std::uint64_t disk_reserve_bytes = 1ull << 30;
  // An upload expires this long after its last append (in progress) or its last byte (finished
  // and unclaimed).
  std::chrono::seconds expiry = std::chrono::hours(24);
  std::size_t recipients = 2;  // X25519 stanzas an evidence file must have
  // A long append makes what it has received durable (and its offset visible) every so often,
  // so a crash of vigild in the middle of a large request keeps most of it. Each time costs
  // three syncs, which showed at 64 MiB on the test machine's virtual disk.
  std::uint64_t checkpoint_bytes = 256ull << 20;
  // When set, max_upload_bytes and expiry come from it at each creation and append (the
  // instance settings, src/settings); max_upload_bytes above then only bounds the body of one
  // request. Must be thread-safe.
  std::function<UploadLimits()> limits;
};

// What a client may know of an upload.
struct UploadStatus {
  std::string id;  // 32 lower-case hex digits
  std::uint64_t length = 0;
  std::uint64_t offset = 0;  // durable bytes
  std::chrono::system_clock::time_point expires;
  bool finished = false;  // every byte is in, and it is an age file: ready to be claimed
};

class Uploads;
struct UploadEntry;

// The bytes of one append (one tus PATCH) to an upload, which it holds exclusively until it is
// destroyed. Not thread-safe. Destroying it without Commit discards what it wrote. Must not
// outlive its Uploads.
class UploadWriter {
 public:
  ~UploadWriter();
  UploadWriter(const UploadWriter&) = delete;
  UploadWriter& operator=(const UploadWriter&) = delete;

  // Appends bytes at the current position (blocking disk I/O: call it off the I/O threads).
  // kInvalidArgument past the declared length (nothing of `data` written); kMalformed as soon as
  // the first 64 KiB (or the whole file, if shorter) are not the header of an age file to the
  // expected recipients: the upload is then removed; kResourceExhausted when the disk is full;
  // kIo otherwise. After an error the writer only accepts destruction.
  Status Write(ByteSpan data);

  // Every byte given to Write must also be given to Hash, in the same order (the SHA-256 of the
  // finished file, and of this append when a checksum was announced). The two share no state:
  // one thread may Hash a piece while another Writes the same piece, so a large upload is
  // hashed and written on two cores. Commit fails with kFailedPrecondition if they disagree.
  void Hash(ByteSpan data);

  // Makes what was written durable (fdatasync) and only then advances the upload's offset. With
  // an expected checksum, the SHA-256 of this append's bytes must match it, else kCorrupt and
  // the bytes are discarded. When the last byte is in, the upload becomes finished. `complete`
  // false (the request ended early) keeps the bytes only when no checksum was given, as tus
  // asks; with one they are discarded and kCorrupt returned. Other errors: kMalformed (not an
  // age file; the upload is removed), kIo.
  Result<UploadStatus> Commit(bool complete = true);

  // Upload offset of the next byte Write takes.
  std::uint64_t position() const { return position_; }

 private:
  friend class Uploads;
  UploadWriter(Uploads& uploads, std::shared_ptr<UploadEntry> entry, int fd,
               std::optional<crypto::Sha256Digest> checksum);
  Status Checkpoint();
  void Discard();
  UploadStatus Release();

  Uploads& uploads_;
  std::shared_ptr<UploadEntry> entry_;
  int fd_;
  // Touched by Write (and Commit) only.
  const std::uint64_t start_;       // the upload's offset when this append began
  std::uint64_t position_;          // next byte to write
  std::uint64_t flushed_ = 0;       // writeback requested up to here
  std::uint64_t checkpointed_ = 0;  // durable (and the upload's offset) up to here
  bool failed_ = false;
  bool removed_ = false;  // not an age file: the upload is gone
  bool committed_ = false;
  // Touched by Hash (and Commit) only.
  const std::optional<crypto::Sha256Digest> expected_;
  std::unique_ptr<crypto::Sha256Hasher> checksum_hasher_;
  std::uint64_t hashed_ = 0;  // bytes given to Hash
};

// Thread-safe. Upload ids are 16 random bytes as hex; any other text is kNotFound.
class Uploads {
 public:
  // Opens (creating it if needed) the uploads directory `dir`, which should be on the same file
  // system as `blobs` (claims are then a rename). Recovers what a crash left: an upload's data
  // is cut back to its durable offset, expired uploads and temporaries are removed. `blobs`,
  // `clock` and `random` must outlive the object. kIo on failure.
  static Result<std::unique_ptr<Uploads>> Open(const std::filesystem::path& dir,
                                               const store::BlobStore& blobs, const Clock& clock,
                                               Random& random, UploadsOptions options = {});
  ~Uploads();
  Uploads(const Uploads&) = delete;
  Uploads& operator=(const Uploads&) = delete;

  // A new empty upload of `length` bytes, durable before it returns. kInvalidArgument over
  // max_upload_bytes, kMalformed for 0 (no age file is empty), kUnavailable over the quota,
  // kResourceExhausted when the disk could not hold it above the reserve, kIo.
  Result<UploadStatus> Create(std::uint64_t length);

  // kNotFound when unknown (or expired).
  Result<UploadStatus> Get(std::string_view id) const;

  // Starts an append at `offset`, which must be the upload's offset. `checksum`: the SHA-256 the
  // client announced for this append's bytes. kNotFound when unknown; kFailedPrecondition when
  // `offset` is not the upload's offset (also for a finished upload); kUnavailable while another
  // append or a claim holds the upload; kIo.
  Result<std::unique_ptr<UploadWriter>> BeginAppend(
      std::string_view id, std::uint64_t offset,
      std::optional<crypto::Sha256Digest> checksum = std::nullopt);

  // Removes an upload, finished or not. kNotFound when unknown, kUnavailable while an append
  // holds it.
  Status Terminate(std::string_view id);

  // Hands over a finished upload as an attachment blob with a fresh random id: the file moves
  // into the blob store (a rename, or a copy across file systems) durably, and the upload is
  // gone. One claim per upload: kNotFound when the id names no finished upload (never created,
  // in progress, expired, or already claimed); kResourceExhausted, kIo from the blob store.
  Result<reports::AttachmentBlob> Claim(std::string_view id);
  // Claims every upload of `ids` or none: kNotFound, and nothing claimed, when one of them is
  // not a finished upload; the others stay claimable after any other failure too.
  Result<std::vector<reports::AttachmentBlob>> ClaimAll(std::span<const std::string> ids);

  // Removes every upload whose expiry has passed (by the clock) and that no append holds;
  // returns how many.
  std::size_t RemoveExpired();

  // Runs RemoveExpired every `interval` on a thread of its own, until destruction.
  void StartSweeper(std::chrono::milliseconds interval);

  const UploadsOptions& options() const { return options_; }
  // The limits in force now: options().limits, or the fixed options.
  UploadLimits Limits() const;

 private:
  friend class UploadWriter;
  Uploads(std::filesystem::path dir, const store::BlobStore& blobs, const Clock& clock,
          Random& random, UploadsOptions options);
  Status Recover();
  std::filesystem::path PartPath(const std::string& id) const;
  std::filesystem::path InfoPath(const std::string& id) const;
  std::shared_ptr<UploadEntry> Find(std::string_view id) const;  // needs mu_
  UploadStatus StatusOf(const UploadEntry& entry) const;         // needs mu_
  // Writes the entry's state file durably (temporary, fdatasync, rename, directory sync).
  Status WriteInfo(const std::string& id, std::uint64_t length, std::uint64_t offset,
                   std::chrono::system_clock::time_point expires,
                   const std::optional<crypto::Sha256Digest>& sha256) const;
  // Moves a finished upload's file into the blob store, durably (once: marks it in_store).
  Status MoveIntoStore(UploadEntry& entry);
  // Removes an upload's files; the caller has taken it out of the table or holds it.
  void RemoveFiles(const std::string& id) const;
  void Forget(const std::string& id);
  std::chrono::system_clock::time_point ExpiryFromNow() const;

  const std::filesystem::path dir_;
  const store::BlobStore& blobs_;
  const Clock& clock_;
  Random& random_;
  const UploadsOptions options_;
  bool same_file_system_ = true;

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<UploadEntry>, std::less<>> entries_;

  std::mutex sweeper_mu_;
  std::condition_variable sweeper_cv_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace vigil::uploads

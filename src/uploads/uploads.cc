// Format: docs/formats/uploads.md
#include "uploads/uploads.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "base/hex.h"
#include "reports/ciphertext.h"
#include "uploads/upload_info.h"

namespace vigil::uploads {

using TimePoint = std::chrono::system_clock::time_point;

// One upload in the table. Fields are guarded by Uploads::mu_, except the running hash, which
// only the holder of `busy` touches.
struct UploadEntry {
  std::string id;
  std::uint64_t length = 0;
  std::uint64_t offset = 0;  // durable
  TimePoint expires;
  bool busy = false;  // an append, a claim or the creation holds it
  bool finished = false;
  // Finished, and the data is already in the blob store: a claim moved it and then vigild
  // stopped before the upload's state file was removed.
  bool in_store = false;
  std::optional<crypto::Sha256Digest> sha256;  // when finished
  // SHA-256 of bytes [0, offset) as they were appended, so that finishing a large upload needs
  // no second read. Lost on restart and when an append is discarded; then the finished file is
  // read once to hash it.
  crypto::Sha256Hasher hasher;
  std::uint64_t hashed = 0;
  bool hash_valid = true;
};

namespace {

constexpr std::uint64_t kHeaderCheckBytes = 64 * 1024;  // the age header limit we accept
constexpr std::uint64_t kWritebackBytes = 8 << 20;
constexpr std::size_t kIdBytes = 16;
constexpr std::string_view kPartSuffix = ".part";
constexpr std::string_view kInfoSuffix = ".info";
constexpr std::string_view kTempSuffix = ".tmp";

Error IoError(const std::string& what, const std::filesystem::path& p) {
  return MakeError(errno == ENOSPC ? Errc::kResourceExhausted : Errc::kIo,
                   what + " " + p.string() + ": " + std::strerror(errno));
}

// Upload ids come from URLs: anything but 32 lower-case hex digits names no upload, so no path
// can be built from hostile input.
bool IsUploadId(std::string_view id) {
  if (id.size() != 2 * kIdBytes) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("fsync", dir);
  return OkStatus();
}

std::int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixSeconds(std::int64_t s) { return TimePoint(std::chrono::seconds(s)); }

// Reads an upload's data through pread, from `begin` to `end`, without moving any file offset.
class PartSource final : public Source {
 public:
  PartSource(int fd, std::uint64_t begin, std::uint64_t end) : fd_(fd), pos_(begin), end_(end) {}
  Result<std::size_t> Read(MutableByteSpan out) override {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), end_ - pos_));
    if (want == 0) return std::size_t{0};
    while (true) {
      ssize_t n = ::pread(fd_, out.data(), want, static_cast<off_t>(pos_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Fail(std::string("pread: ") + std::strerror(errno));
      if (n == 0) return Fail("upload data shorter than its offset");
      pos_ += static_cast<std::uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
  }

  // The read error, if any: parsers that wrap their source's errors must not turn a failing disk
  // into a malformed file.
  const std::optional<Error>& error() const { return error_; }

 private:
  Error Fail(std::string detail) {
    error_ = MakeError(Errc::kIo, std::move(detail));
    return *error_;
  }
  int fd_;
  std::uint64_t pos_;
  std::uint64_t end_;
  std::optional<Error> error_;
};

// Security: T9. Plaintext sent by a broken or hostile client is refused (and removed) as soon
// as its first bytes show it is not an age file, not kept until the end of a large upload.
Status CheckHeader(int fd, std::uint64_t length, std::size_t recipients) {
  PartSource prefix(fd, 0, std::min(length, kHeaderCheckBytes));
  Status checked = reports::CheckAgeStream(prefix, length, recipients);
  if (prefix.error()) return *prefix.error();
  if (!checked)
    return MakeError(Errc::kMalformed,
                     "upload is not an evidence age file: " + checked.error().detail);
  return OkStatus();
}

Result<crypto::Sha256Digest> HashFile(int fd, std::uint64_t length) {
  PartSource source(fd, 0, length);
  crypto::Sha256Hasher hasher;
  Bytes buffer(1 << 20);
  std::uint64_t total = 0;
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, source.Read(buffer));
    if (n == 0) break;
    hasher.Update(ByteSpan(buffer.data(), n));
    total += n;
  }
  if (total != length) return MakeError(Errc::kIo, "upload data shorter than its length");
  return hasher.Finish();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// UploadWriter

UploadWriter::UploadWriter(Uploads& uploads, std::shared_ptr<UploadEntry> entry, int fd,
                           std::optional<crypto::Sha256Digest> checksum)
    : uploads_(uploads),
      entry_(std::move(entry)),
      fd_(fd),
      start_(entry_->offset),
      position_(entry_->offset),
      flushed_(entry_->offset),
      checkpointed_(entry_->offset),
      expected_(checksum) {
  if (expected_) checksum_hasher_ = std::make_unique<crypto::Sha256Hasher>();
  if (entry_->hashed != entry_->offset) entry_->hash_valid = false;
}

UploadWriter::~UploadWriter() {
  if (fd_ >= 0) {
    if (!committed_ && !removed_) Discard();
    ::close(fd_);
  }
  if (!committed_ && !removed_) {
    std::lock_guard lock(uploads_.mu_);
    entry_->busy = false;
  }
}

// Cuts the data back to what is durable and visible; the bytes after it were never promised.
void UploadWriter::Discard() {
  if (position_ != checkpointed_ && ::ftruncate(fd_, static_cast<off_t>(checkpointed_)) != 0)
    std::fprintf(stderr, "{\"uploads\":\"cannot cut back upload %s: %s\"}\n", entry_->id.c_str(),
                 std::strerror(errno));
  position_ = checkpointed_;
  // The running hash has seen bytes that are gone: the finished file is hashed from disk.
  if (entry_->hashed != checkpointed_) entry_->hash_valid = false;
}

void UploadWriter::Hash(ByteSpan data) {
  if (checksum_hasher_) checksum_hasher_->Update(data);
  if (entry_->hash_valid) {
    entry_->hasher.Update(data);
    entry_->hashed += data.size();
  }
  hashed_ += data.size();
}

Status UploadWriter::Write(ByteSpan data) {
  if (failed_ || committed_ || removed_)
    return MakeError(Errc::kFailedPrecondition, "the append is over");
  if (data.size() > entry_->length - position_) {
    failed_ = true;
    return MakeError(Errc::kInvalidArgument, "data past the upload's length");
  }
  std::uint64_t at = position_;
  ByteSpan rest = data;
  while (!rest.empty()) {
    ssize_t n = ::pwrite(fd_, rest.data(), rest.size(), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failed_ = true;
      return IoError("write", uploads_.PartPath(entry_->id));
    }
    at += static_cast<std::uint64_t>(n);
    rest = rest.subspan(static_cast<std::size_t>(n));
  }
  std::uint64_t threshold = std::min(entry_->length, kHeaderCheckBytes);
  bool header_now = position_ < threshold && at >= threshold;
  position_ = at;
  if (header_now) {
    if (Status header = CheckHeader(fd_, entry_->length, uploads_.options_.recipients); !header) {
      failed_ = true;
      if (header.error().code == Errc::kMalformed) {
        uploads_.Forget(entry_->id);
        uploads_.RemoveFiles(entry_->id);
        removed_ = true;
      }
      return header.error();
    }
  }
  // Start writeback as the data comes, so the final fdatasync has little left to wait for and
  // the page cache never holds a whole large upload dirty.
  if (position_ - flushed_ >= kWritebackBytes) {
    ::sync_file_range(fd_, static_cast<off_t>(flushed_), static_cast<off_t>(position_ - flushed_),
                      SYNC_FILE_RANGE_WRITE);
    flushed_ = position_;
  }
  // With a checksum nothing is kept before the whole append is checked.
  if (!expected_ && position_ - checkpointed_ >= uploads_.options_.checkpoint_bytes &&
      position_ < entry_->length) {
    if (Status saved = Checkpoint(); !saved) {
      failed_ = true;
      return saved.error();
    }
  }
  return OkStatus();
}

// Durable first, visible after: a HEAD never reports a byte that a crash could lose.
Status UploadWriter::Checkpoint() {
  if (::fdatasync(fd_) != 0) return IoError("fdatasync", uploads_.PartPath(entry_->id));
  TimePoint expires = uploads_.ExpiryFromNow();
  VIGIL_RETURN_IF_ERROR(
      uploads_.WriteInfo(entry_->id, entry_->length, position_, expires, std::nullopt));
  checkpointed_ = position_;
  std::lock_guard lock(uploads_.mu_);
  entry_->offset = position_;
  entry_->expires = expires;
  return OkStatus();
}

Result<UploadStatus> UploadWriter::Commit(bool complete) {
  if (failed_ || committed_ || removed_)
    return MakeError(Errc::kFailedPrecondition, "the append is over");
  if (hashed_ != position_ - start_)
    return MakeError(Errc::kFailedPrecondition, "bytes written and hashed differ");
  if (expected_) {
    if (!complete) {
      Discard();
      return MakeError(Errc::kCorrupt, "append with a checksum ended early");
    }
    if (checksum_hasher_->Finish() != *expected_) {
      Discard();
      return MakeError(Errc::kCorrupt, "checksum mismatch");
    }
  }
  if (position_ < entry_->length) {
    VIGIL_RETURN_IF_ERROR(Checkpoint());
    return Release();
  }
  // The last byte: the header was checked when the first 64 KiB (or the whole) were in.
  if (::fdatasync(fd_) != 0) return IoError("fdatasync", uploads_.PartPath(entry_->id));
  crypto::Sha256Digest digest{};
  if (entry_->hash_valid && entry_->hashed == entry_->length) {
    digest = entry_->hasher.Finish();
  } else {
    VIGIL_ASSIGN_OR_RETURN(digest, HashFile(fd_, entry_->length));
  }
  entry_->hash_valid = false;
  TimePoint expires = uploads_.ExpiryFromNow();
  VIGIL_RETURN_IF_ERROR(
      uploads_.WriteInfo(entry_->id, entry_->length, entry_->length, expires, digest));
  checkpointed_ = position_;
  {
    std::lock_guard lock(uploads_.mu_);
    entry_->offset = entry_->length;
    entry_->expires = expires;
    entry_->finished = true;
    entry_->sha256 = digest;
  }
  return Release();
}

// The upload is free for the next append as soon as this one is committed, so that a client
// that sees the new offset with HEAD can go on at once.
UploadStatus UploadWriter::Release() {
  ::close(fd_);
  fd_ = -1;
  committed_ = true;
  std::lock_guard lock(uploads_.mu_);
  entry_->busy = false;
  return uploads_.StatusOf(*entry_);
}

// ---------------------------------------------------------------------------------------------
// Uploads

Uploads::Uploads(std::filesystem::path dir, const store::BlobStore& blobs, const Clock& clock,
                 Random& random, UploadsOptions options)
    : dir_(std::move(dir)), blobs_(blobs), clock_(clock), random_(random), options_(options) {}

Uploads::~Uploads() {
  {
    std::lock_guard lock(sweeper_mu_);
    stopping_ = true;
  }
  sweeper_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

Result<std::unique_ptr<Uploads>> Uploads::Open(const std::filesystem::path& dir,
                                               const store::BlobStore& blobs, const Clock& clock,
                                               Random& random, UploadsOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(Errc::kIo, "cannot create " + dir.string() + ": " + ec.message());
  std::unique_ptr<Uploads> uploads(
      new Uploads(std::filesystem::absolute(dir), blobs, clock, random, options));
  VIGIL_RETURN_IF_ERROR(uploads->Recover());
  return uploads;
}

std::filesystem::path Uploads::PartPath(const std::string& id) const {
  return dir_ / (id + std::string(kPartSuffix));
}

std::filesystem::path Uploads::InfoPath(const std::string& id) const {
  return dir_ / (id + std::string(kInfoSuffix));
}

TimePoint Uploads::ExpiryFromNow() const {
  // Whole seconds, as the state file keeps it.
  return FromUnixSeconds(UnixSeconds(clock_.Now() + Limits().expiry));
}

UploadLimits Uploads::Limits() const {
  if (options_.limits) return options_.limits();
  return {options_.max_upload_bytes, options_.expiry};
}

Status Uploads::Recover() {
  std::error_code ec;
  std::vector<std::string> infos;
  std::vector<std::filesystem::path> strays;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    std::string_view n(name);
    if (n.size() == 2 * kIdBytes + kInfoSuffix.size() && n.ends_with(kInfoSuffix) &&
        IsUploadId(n.substr(0, 2 * kIdBytes))) {
      infos.push_back(name.substr(0, 2 * kIdBytes));
    } else if (n.size() == 2 * kIdBytes + kPartSuffix.size() && n.ends_with(kPartSuffix) &&
               IsUploadId(n.substr(0, 2 * kIdBytes))) {
      continue;  // kept if its state file is
    } else {
      strays.push_back(e.path());  // temporaries of an interrupted state write, and the unknown
    }
  }
  if (ec) return MakeError(Errc::kIo, "cannot list " + dir_.string() + ": " + ec.message());
  const TimePoint now = clock_.Now();
  for (const std::string& id : infos) {
    auto drop = [&](const char* why) {
      std::fprintf(stderr, "{\"uploads\":\"removing upload %s at start-up: %s\"}\n", id.c_str(),
                   why);
      RemoveFiles(id);
    };
    std::string text;
    {
      std::FILE* f = std::fopen(InfoPath(id).c_str(), "rb");
      if (!f) return IoError("open", InfoPath(id));
      char buffer[1024];
      std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
      std::fclose(f);
      text.assign(buffer, n);
    }
    auto info = ParseUploadInfo(text);
    if (!info) {
      drop("unreadable state file");
      continue;
    }
    if (FromUnixSeconds(info->expires) <= now) {
      drop("expired");
      continue;
    }
    auto entry = std::make_shared<UploadEntry>();
    entry->id = id;
    entry->length = info->length;
    entry->offset = info->offset;
    entry->expires = FromUnixSeconds(info->expires);
    entry->hash_valid = false;
    std::filesystem::path part = PartPath(id);
    struct stat st {};
    bool have_part = ::stat(part.c_str(), &st) == 0;
    if (info->sha256) {
      entry->finished = true;
      entry->sha256 = info->sha256;
      if (!have_part) {
        if (!blobs_.Exists(*info->sha256)) {
          drop("finished, but its data is gone");
          continue;
        }
        entry->in_store = true;
      } else if (static_cast<std::uint64_t>(st.st_size) != info->length) {
        drop("finished, but its data has another length");
        continue;
      }
    } else {
      if (!have_part) {
        drop("its data file is missing");
        continue;
      }
      std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
      // Bytes past the durable offset were never acknowledged: cut them off, so the next
      // append continues exactly where HEAD says.
      if (size > info->offset && ::truncate(part.c_str(), static_cast<off_t>(info->offset)) != 0)
        return IoError("truncate", part);
      if (size < info->offset) entry->offset = size;  // a disk that lost synced data
    }
    entries_[id] = std::move(entry);
  }
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    if (name.ends_with(kPartSuffix) && !entries_.contains(name.substr(0, 2 * kIdBytes)))
      strays.push_back(e.path());
  }
  for (const auto& p : strays) std::filesystem::remove_all(p, ec);
  return SyncDirectory(dir_);
}

std::shared_ptr<UploadEntry> Uploads::Find(std::string_view id) const {
  if (!IsUploadId(id)) return nullptr;
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  // An expired upload is gone for clients, even before the sweeper removes it.
  if (!it->second->busy && it->second->expires <= clock_.Now()) return nullptr;
  return it->second;
}

UploadStatus Uploads::StatusOf(const UploadEntry& entry) const {
  return UploadStatus{entry.id, entry.length, entry.offset, entry.expires, entry.finished};
}

Status Uploads::WriteInfo(const std::string& id, std::uint64_t length, std::uint64_t offset,
                          TimePoint expires,
                          const std::optional<crypto::Sha256Digest>& sha256) const {
  UploadInfo info{length, offset, UnixSeconds(expires), sha256};
  std::string text = FormatUploadInfo(info);
  std::filesystem::path final_path = InfoPath(id);
  std::filesystem::path temp = final_path;
  temp += kTempSuffix;
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("create", temp);
  ssize_t n = ::write(fd, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size()) || ::fdatasync(fd) != 0) {
    Error e = IoError("write", temp);
    ::close(fd);
    ::unlink(temp.c_str());
    return e;
  }
  ::close(fd);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) return IoError("rename", final_path);
  return SyncDirectory(dir_);
}

void Uploads::RemoveFiles(const std::string& id) const {
  ::unlink(PartPath(id).c_str());
  ::unlink(InfoPath(id).c_str());
  if (Status synced = SyncDirectory(dir_); !synced)
    std::fprintf(stderr, "{\"uploads\":\"%s\"}\n", synced.error().detail.c_str());
}

void Uploads::Forget(const std::string& id) {
  std::lock_guard lock(mu_);
  entries_.erase(id);
}

Result<UploadStatus> Uploads::Create(std::uint64_t length) {
  if (length == 0) return MakeError(Errc::kMalformed, "an empty upload is no age file");
  if (length > Limits().max_upload_bytes)
    return MakeError(Errc::kInvalidArgument, "upload longer than max_upload_bytes");
  struct statvfs fs {};
  if (::statvfs(dir_.c_str(), &fs) != 0) return IoError("statvfs", dir_);
  const std::uint64_t free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;

  auto entry = std::make_shared<UploadEntry>();
  {
    std::lock_guard lock(mu_);
    std::uint64_t declared = 0;
    std::uint64_t to_come = 0;
    for (const auto& [id, e] : entries_) {
      declared += e->length;
      if (!e->finished) to_come += e->length - e->offset;
    }
    if (declared + length > options_.quota_bytes)
      return MakeError(Errc::kUnavailable, "the quota of unclaimed uploads is reached");
    if (free_bytes < options_.disk_reserve_bytes ||
        free_bytes - options_.disk_reserve_bytes < to_come + length)
      return MakeError(Errc::kResourceExhausted, "the disk could not hold the upload");
    do {
      entry->id = HexEncode(random_.Generate(kIdBytes));
    } while (entries_.contains(entry->id));
    entry->length = length;
    entry->expires = ExpiryFromNow();
    entry->busy = true;  // counted against the quota while its files are made
    entries_[entry->id] = entry;
  }
  auto fail = [&](Error e) -> Error {
    Forget(entry->id);
    RemoveFiles(entry->id);
    return e;
  };
  int fd = ::open(PartPath(entry->id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(IoError("create", PartPath(entry->id)));
  ::close(fd);
  // The directory sync in WriteInfo makes both names durable.
  if (Status written = WriteInfo(entry->id, length, 0, entry->expires, std::nullopt); !written)
    return fail(written.error());
  std::lock_guard lock(mu_);
  entry->busy = false;
  return StatusOf(*entry);
}

Result<UploadStatus> Uploads::Get(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto entry = Find(id);
  if (!entry) return MakeError(Errc::kNotFound, "no such upload");
  return StatusOf(*entry);
}

Result<std::unique_ptr<UploadWriter>> Uploads::BeginAppend(
    std::string_view id, std::uint64_t offset, std::optional<crypto::Sha256Digest> checksum) {
  std::shared_ptr<UploadEntry> entry;
  {
    std::lock_guard lock(mu_);
    entry = Find(id);
    if (!entry) return MakeError(Errc::kNotFound, "no such upload");
    if (entry->busy) return MakeError(Errc::kUnavailable, "the upload is busy");
    if (entry->finished || offset != entry->offset)
      return MakeError(Errc::kFailedPrecondition, "offset mismatch");
    entry->busy = true;
  }
  // Read too: the age header is checked from the file as it arrives.
  int fd = ::open(PartPath(entry->id).c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    Error e = IoError("open", PartPath(entry->id));
    std::lock_guard lock(mu_);
    entry->busy = false;
    return e;
  }
  return std::unique_ptr<UploadWriter>(new UploadWriter(*this, std::move(entry), fd, checksum));
}

Status Uploads::Terminate(std::string_view id) {
  std::string name;
  {
    std::lock_guard lock(mu_);
    auto entry = Find(id);
    if (!entry) return MakeError(Errc::kNotFound, "no such upload");
    if (entry->busy) return MakeError(Errc::kUnavailable, "the upload is busy");
    name = entry->id;
    entries_.erase(name);
  }
  RemoveFiles(name);
  return OkStatus();
}

Result<reports::AttachmentBlob> Uploads::Claim(std::string_view id) {
  std::string one(id);
  VIGIL_ASSIGN_OR_RETURN(auto blobs, ClaimAll(std::span<const std::string>(&one, 1)));
  return blobs.front();
}

Result<std::vector<reports::AttachmentBlob>> Uploads::ClaimAll(std::span<const std::string> ids) {
  // Take every upload first, or none: a message naming one upload that has expired must not use
  // up the others, which the client may send again with a fresh one.
  std::vector<std::shared_ptr<UploadEntry>> taken;
  {
    std::lock_guard lock(mu_);
    for (const std::string& id : ids) {
      auto entry = Find(id);
      if (!entry || !entry->finished || entry->busy) {
        for (auto& t : taken) t->busy = false;
        return MakeError(Errc::kNotFound, "no finished upload with the id " + id);
      }
      entry->busy = true;
      taken.push_back(std::move(entry));
    }
  }
  // Then move each into the blob store; a failure leaves them all claimable (those already
  // moved stay in the store, marked, and are not moved twice).
  for (auto& entry : taken) {
    Status moved = MoveIntoStore(*entry);
    if (!moved) {
      std::lock_guard lock(mu_);
      for (auto& t : taken) t->busy = false;
      return moved.error();
    }
  }
  std::vector<reports::AttachmentBlob> out;
  for (auto& entry : taken) {
    RemoveFiles(entry->id);
    Forget(entry->id);
    reports::AttachmentBlob blob;
    random_.Fill(blob.id);
    blob.sha256 = *entry->sha256;
    blob.size = entry->length;
    out.push_back(blob);
  }
  return out;
}

Status Uploads::MoveIntoStore(UploadEntry& entry) {
  if (entry.in_store) return OkStatus();
  const crypto::Sha256Digest digest = *entry.sha256;
  Status adopted = blobs_.Adopt(PartPath(entry.id), digest);
  if (!adopted && adopted.error().code == Errc::kFailedPrecondition) {
    // Another file system: copy, in constant memory.
    int fd = ::open(PartPath(entry.id).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("open", PartPath(entry.id));
    PartSource source(fd, 0, entry.length);
    auto writer = blobs_.NewWriter();
    Bytes buffer(1 << 20);
    Status copied = writer ? OkStatus() : Status(writer.error());
    while (copied) {
      auto n = source.Read(buffer);
      if (!n) copied = n.error();
      if (!n || *n == 0) break;
      copied = (*writer)->Write(ByteSpan(buffer.data(), *n));
    }
    ::close(fd);
    if (!copied) return copied.error();
    auto committed = (*writer)->Commit();
    if (!committed) return committed.error();
    if (committed->first != digest || committed->second != entry.length)
      return MakeError(Errc::kCorrupt, "upload " + entry.id + " changed on disk");
    ::unlink(PartPath(entry.id).c_str());
    adopted = OkStatus();
  }
  if (!adopted) {
    // A rename that happened before a failed directory sync: the data is in the store now.
    std::error_code ec;
    if (!std::filesystem::exists(PartPath(entry.id), ec) && blobs_.Exists(digest))
      entry.in_store = true;
    return adopted.error();
  }
  entry.in_store = true;
  return OkStatus();
}

std::size_t Uploads::RemoveExpired() {
  std::vector<std::string> expired;
  {
    std::lock_guard lock(mu_);
    const TimePoint now = clock_.Now();
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (!it->second->busy && it->second->expires <= now) {
        expired.push_back(it->first);
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& id : expired) RemoveFiles(id);
  return expired.size();
}

void Uploads::StartSweeper(std::chrono::milliseconds interval) {
  auto loop = [this, interval] {
    std::unique_lock lock(sweeper_mu_);
    while (!sweeper_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      if (std::size_t removed = RemoveExpired(); removed > 0)
        std::fprintf(stderr, "{\"uploads\":\"removed %zu expired uploads\"}\n", removed);
      lock.lock();
    }
  };
  sweeper_ = std::thread(loop);
}

}  // namespace vigil::uploads

#include "store/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/hex.h"
#include "base/random.h"

namespace vigil::store {
namespace {

Error IoError(const std::string& what, const std::filesystem::path& p) {
  return MakeError(errno == ENOSPC ? Errc::kResourceExhausted : Errc::kIo,
                   what + " " + p.string() + ": " + std::strerror(errno));
}

Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("fsync", dir);
  return OkStatus();
}

class FileSource final : public Source {
 public:
  explicit FileSource(int fd) : fd_(fd), source_(fd) {}
  ~FileSource() override { ::close(fd_); }
  Result<std::size_t> Read(MutableByteSpan out) override { return source_.Read(out); }

 private:
  int fd_;
  FdSource source_;
};

constexpr std::uint64_t kSpaceCheckEvery = 8 << 20;

// Blobs up to this size are made durable by the shared syncfs.
constexpr std::uint64_t kGroupSyncMaxBytes = 4 << 20;

Status WriteAll(int fd, ByteSpan data, const std::filesystem::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("write", path);
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return OkStatus();
}

// Whether the file at `path` holds exactly `size` bytes hashing to `digest`.
bool HoldsExactly(const std::filesystem::path& path, const Digest& digest, std::uint64_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  FdSource source(fd);
  crypto::Sha256Hasher hasher;
  std::uint64_t total = 0;
  Bytes buffer(1 << 16);
  bool ok = true;
  while (ok) {
    auto n = source.Read(buffer);
    if (!n || *n == 0) {
      ok = n.has_value();
      break;
    }
    total += *n;
    hasher.Update(ByteSpan(buffer.data(), *n));
  }
  ::close(fd);
  return ok && total == size && hasher.Finish() == digest;
}

}  // namespace

Result<Digest> ParseDigest(std::string_view hex) {
  if (hex.size() != 64) return MakeError(Errc::kInvalidArgument, "digest must be 64 hex digits");
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return MakeError(Errc::kInvalidArgument, "digest must be lower-case hex");
  }
  Bytes bytes = *HexDecode(hex);
  Digest d{};
  std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

Result<std::unique_ptr<BlobStore>> BlobStore::Open(const std::filesystem::path& root,
                                                   BlobStoreOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(root / "tmp", ec);
  if (ec) return MakeError(Errc::kIo, "cannot create " + root.string() + ": " + ec.message());
  // Temporaries left by a crash hold nothing acknowledged: clear them.
  if (options.clear_temporaries)
    for (const auto& e : std::filesystem::directory_iterator(root / "tmp", ec))
      std::filesystem::remove(e.path(), ec);
  VIGIL_ASSIGN_OR_RETURN(auto sync, GroupSync::Open(root));
  return std::unique_ptr<BlobStore>(
      new BlobStore(std::filesystem::absolute(root), options, std::move(sync)));
}

std::filesystem::path BlobStore::PathOf(const Digest& digest) const {
  std::string hex = HexEncode(digest);
  return root_ / hex.substr(0, 2) / hex.substr(2);
}

Result<std::uint64_t> BlobStore::Available() const {
  struct statvfs fs {};
  if (::statvfs(root_.c_str(), &fs) != 0) return IoError("statvfs", root_);
  std::uint64_t free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  return free_bytes > options_.disk_reserve_bytes ? free_bytes - options_.disk_reserve_bytes : 0;
}

Result<std::unique_ptr<BlobWriter>> BlobStore::NewWriter() const {
  VIGIL_ASSIGN_OR_RETURN(std::uint64_t available, Available());
  if (available == 0)
    return MakeError(Errc::kResourceExhausted, "the disk is full (below the reserve)");
  Bytes id(12);
  SystemRandom::Get().Fill(id);
  std::filesystem::path temp = root_ / "tmp" / HexEncode(id);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("create", temp);
  return std::unique_ptr<BlobWriter>(new BlobWriter(*this, fd, std::move(temp)));
}

BlobWriter::BlobWriter(const BlobStore& store, int fd, std::filesystem::path temp)
    : store_(store), fd_(fd), temp_(std::move(temp)) {}

BlobWriter::~BlobWriter() {
  if (!done_) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

Status BlobWriter::Write(ByteSpan data) {
  if (done_) return MakeError(Errc::kFailedPrecondition, "blob already committed");
  since_space_check_ += data.size();
  if (since_space_check_ >= kSpaceCheckEvery) {
    since_space_check_ = 0;
    VIGIL_ASSIGN_OR_RETURN(std::uint64_t available, store_.Available());
    if (available < kSpaceCheckEvery)
      return MakeError(Errc::kResourceExhausted, "the disk is full (below the reserve)");
  }
  hasher_.Update(data);
  size_ += data.size();
  return WriteAll(fd_, data, temp_);
}

Result<std::pair<Digest, std::uint64_t>> BlobWriter::Commit() { return Finish(true); }

Result<std::pair<Digest, std::uint64_t>> BlobWriter::CommitUnsynced() { return Finish(false); }

Result<std::pair<Digest, std::uint64_t>> BlobWriter::Finish(bool sync) {
  if (done_) return MakeError(Errc::kFailedPrecondition, "blob already committed");
  done_ = true;
  Digest digest = hasher_.Finish();
  std::filesystem::path final_path = store_.PathOf(digest);
  auto fail = [&](Error e) -> Error {
    ::unlink(temp_.c_str());
    return e;
  };
  // Small blobs (reports, replies, records) share one syncfs with concurrent writers, twice:
  // the data before the rename, the name after it. A large one (an upload) syncs its own file,
  // so that small writers never wait behind gigabytes.
  const bool grouped = size_ <= kGroupSyncMaxBytes;
  if (!sync) {
    ::close(fd_);
  } else if (grouped) {
    ::close(fd_);
    if (auto synced = store_.sync_->Sync(); !synced) return fail(synced.error());
  } else {
    if (::fdatasync(fd_) != 0) {
      Error e = IoError("fdatasync", temp_);
      ::close(fd_);
      return fail(e);
    }
    ::close(fd_);
  }
  std::error_code ec;
  bool new_dir = !std::filesystem::exists(final_path.parent_path(), ec);
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (ec)
    return fail(
        MakeError(Errc::kIo, "mkdir " + final_path.parent_path().string() + ": " + ec.message()));
  if (::rename(temp_.c_str(), final_path.c_str()) != 0) return fail(IoError("rename", final_path));
  // The name is durable once its directory is (and a new directory once its parent is).
  if (!sync) {
    // The caller's later syncfs covers the name and the data.
  } else if (grouped) {
    VIGIL_RETURN_IF_ERROR(store_.sync_->Sync());
  } else {
    VIGIL_RETURN_IF_ERROR(SyncDirectory(final_path.parent_path()));
    if (new_dir) VIGIL_RETURN_IF_ERROR(SyncDirectory(store_.root_));
  }
  return std::make_pair(digest, size_);
}

Result<std::pair<Digest, std::uint64_t>> BlobStore::Put(ByteSpan data) const {
  return PutWhole(data, true);
}

Result<std::pair<Digest, std::uint64_t>> BlobStore::PutUnsynced(ByteSpan data) const {
  return PutWhole(data, false);
}

// Performance: one file creation per report, in one of 256 directories, is what the reports
// path costs the file system; a temporary in one shared directory and a rename across
// directories cost about as much again under 64 concurrent writers (bench/reports_bench.sh).
Result<std::pair<Digest, std::uint64_t>> BlobStore::PutWhole(ByteSpan data, bool sync) const {
  VIGIL_ASSIGN_OR_RETURN(std::uint64_t available, Available());
  if (available < data.size())
    return MakeError(Errc::kResourceExhausted, "the disk is full (below the reserve)");
  auto through_temporary = [&]() -> Result<std::pair<Digest, std::uint64_t>> {
    VIGIL_ASSIGN_OR_RETURN(auto writer, NewWriter());
    VIGIL_RETURN_IF_ERROR(writer->Write(data));
    return writer->Finish(sync);
  };
  if (data.size() > kGroupSyncMaxBytes) return through_temporary();
  const Digest digest = crypto::Sha256(data);
  const std::uint64_t size = data.size();
  const std::filesystem::path path = PathOf(digest);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == ENOENT) {
    // The first blob of its shard. The shared syncfs below makes the directory's name durable.
    if (::mkdir(path.parent_path().c_str(), 0755) != 0 && errno != EEXIST)
      return IoError("mkdir", path.parent_path());
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  }
  if (fd < 0 && errno == EEXIST) {
    // The same bytes stored before, or what a crash left of them: keep a file that holds them
    // exactly, otherwise replace it whole.
    if (!HoldsExactly(path, digest, size)) return through_temporary();
  } else if (fd < 0) {
    return IoError("create", path);
  } else {
    Status written = WriteAll(fd, data, path);
    struct stat ours = {};
    struct stat named = {};
    bool same = ::fstat(fd, &ours) == 0;
    if (::close(fd) != 0 && written) written = IoError("close", path);
    if (!written) {
      // Remove what we began, unless a writer of the same bytes has replaced it meanwhile.
      if (same && ::stat(path.c_str(), &named) == 0 && named.st_ino == ours.st_ino)
        ::unlink(path.c_str());
      return written.error();
    }
  }
  // One syncfs covers the data, the name and a new directory's name.
  if (sync) VIGIL_RETURN_IF_ERROR(sync_->Sync());
  return std::make_pair(digest, size);
}

Status BlobStore::Adopt(const std::filesystem::path& file, const Digest& digest) const {
  std::filesystem::path final_path = PathOf(digest);
  std::error_code ec;
  // As in BlobWriter: an existing blob of that digest is replaced by the same bytes, synced,
  // so a name written unsynced before a crash cannot stay partial.
  bool new_dir = !std::filesystem::exists(final_path.parent_path(), ec);
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (ec)
    return MakeError(Errc::kIo, "mkdir " + final_path.parent_path().string() + ": " + ec.message());
  if (::rename(file.c_str(), final_path.c_str()) != 0) {
    if (errno == EXDEV)
      return MakeError(Errc::kFailedPrecondition, file.string() + " is on another file system");
    return IoError("rename", final_path);
  }
  VIGIL_RETURN_IF_ERROR(SyncDirectory(final_path.parent_path()));
  if (new_dir) VIGIL_RETURN_IF_ERROR(SyncDirectory(root_));
  return OkStatus();
}

Result<std::uint64_t> BlobStore::Device() const {
  struct stat st {};
  if (::stat(root_.c_str(), &st) != 0) return IoError("stat", root_);
  return static_cast<std::uint64_t>(st.st_dev);
}

bool BlobStore::Exists(const Digest& digest) const {
  std::error_code ec;
  return std::filesystem::is_regular_file(PathOf(digest), ec);
}

Result<std::unique_ptr<Source>> BlobStore::Open(const Digest& digest) const {
  std::filesystem::path p = PathOf(digest);
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return MakeError(Errc::kNotFound, "no blob " + HexEncode(digest));
    return IoError("open", p);
  }
  return std::unique_ptr<Source>(new FileSource(fd));
}

Status BlobStore::Remove(const Digest& digest) const {
  std::filesystem::path p = PathOf(digest);
  if (::unlink(p.c_str()) != 0) {
    if (errno == ENOENT) return MakeError(Errc::kNotFound, "no blob " + HexEncode(digest));
    return IoError("unlink", p);
  }
  return SyncDirectory(p.parent_path());
}

}  // namespace vigil::store

// Format: docs/formats/log.md ("On disk")
#include "translog/log_directory.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/hex.h"
#include "base/random.h"

namespace vigil::translog {
namespace {

Error IoError(const std::string& what, const std::filesystem::path& path) {
  return MakeError(Errc::kIo, what + " " + path.string() + ": " + std::strerror(errno));
}

// Flushes every file system buffer of the file system holding `root`: one call makes a whole
// group of new files durable, however many there are.
Status SyncFileSystem(const std::filesystem::path& root) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open", root);
  int rc = ::syncfs(fd);
  ::close(fd);
  if (rc != 0) return IoError("syncfs", root);
  return OkStatus();
}

}  // namespace

Result<LogDirectory> LogDirectory::Open(const std::filesystem::path& root) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec))
    return MakeError(Errc::kIo, "log directory " + root.string() + " does not exist");
  return LogDirectory(std::filesystem::absolute(root));
}

Result<std::optional<Bytes>> LogDirectory::Read(const std::string& path) const {
  std::filesystem::path full = root_ / path;
  int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<Bytes>();
    return IoError("open", full);
  }
  Bytes out;
  std::uint8_t buf[16384];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = IoError("read", full);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  ::close(fd);
  return std::optional<Bytes>(std::move(out));
}

std::vector<std::size_t> LogDirectory::PartialWidths(const std::string& full_path) const {
  std::vector<std::size_t> widths;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(root_ / (full_path + ".p"), ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name.size() > 3 || name[0] == '0' ||
        !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    std::size_t w = std::stoul(name);
    if (w >= 1 && w <= 255) widths.push_back(w);
  }
  std::sort(widths.rbegin(), widths.rend());
  return widths;
}

LogDirectory::WriteGroup::~WriteGroup() {
  for (const auto& [temp, final_path] : staged_) ::unlink(temp.c_str());
}

Status LogDirectory::WriteGroup::Stage(const std::string& path, ByteSpan data) {
  std::filesystem::path final_path = dir_.root_ / path;
  std::error_code ec;
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (ec)
    return MakeError(Errc::kIo, "mkdir " + final_path.parent_path().string() + ": " + ec.message());
  Bytes suffix(6);
  SystemRandom::Get().Fill(suffix);
  // A dot-name: never a valid tile path, so a server never serves a file being written.
  std::filesystem::path temp = final_path.parent_path() /
                               ("." + final_path.filename().string() + ".tmp-" + HexEncode(suffix));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("create", temp);
  staged_.emplace_back(temp, final_path);
  const std::uint8_t* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = IoError("write", temp);
      ::close(fd);
      return e;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return IoError("close", temp);
  return OkStatus();
}

Status LogDirectory::Sync() const { return SyncFileSystem(root_); }

Status LogDirectory::WriteGroup::Commit() {
  if (staged_.empty()) return OkStatus();
  // Security/durability: data first, then names. After a crash a file either is absent or
  // holds all its bytes (threat model T4; DESIGN.md section 5).
  VIGIL_RETURN_IF_ERROR(dir_.Sync());
  VIGIL_RETURN_IF_ERROR(Rename());
  return dir_.Sync();
}

Status LogDirectory::WriteGroup::Rename() {
  for (const auto& [temp, final_path] : staged_) {
    if (::rename(temp.c_str(), final_path.c_str()) != 0) return IoError("rename", final_path);
  }
  staged_.clear();
  return OkStatus();
}

}  // namespace vigil::translog

#include "cli/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vigil::cli {
namespace {
Error IoError(const std::string& what, const std::string& path) {
  return MakeError(Errc::kIo, what + " " + path + ": " + std::strerror(errno));
}
}  // namespace

Result<std::unique_ptr<InputFile>> InputFile::Open(const std::string& path) {
  if (path.empty() || path == "-") return std::unique_ptr<InputFile>(new InputFile(0, false));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", path);
  return std::unique_ptr<InputFile>(new InputFile(fd, true));
}

InputFile::~InputFile() {
  if (owned_) ::close(fd_);
}

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path, int mode) {
  if (path.empty() || path == "-") return std::unique_ptr<OutputFile>(new OutputFile(1, "", ""));
  // A hidden temporary beside the target, so the final rename stays on one file system.
  std::filesystem::path target(path);
  std::string name = ".";
  name.append(target.filename().string()).append(".tmp-XXXXXX");
  std::string temp = (target.parent_path() / name).string();
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return IoError("cannot create a file beside", path);
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    ::close(fd);
    ::unlink(temp.c_str());
    return IoError("cannot set permissions of", path);
  }
  return std::unique_ptr<OutputFile>(new OutputFile(fd, path, temp));
}

OutputFile::~OutputFile() {
  if (path_.empty()) return;
  if (!committed_) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

bool OutputFile::is_terminal() const { return path_.empty() && ::isatty(fd_) == 1; }

Status OutputFile::Commit() {
  if (path_.empty()) return OkStatus();
  if (::fdatasync(fd_) != 0) return IoError("cannot sync", path_);
  if (::close(fd_) != 0) return IoError("cannot close", path_);
  committed_ = true;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    Error e = IoError("cannot rename to", path_);
    ::unlink(temp_.c_str());
    return e;
  }
  // The rename is durable once the directory is synced.
  std::string dir = std::filesystem::path(path_).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return OkStatus();
}

Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes) {
  VIGIL_ASSIGN_OR_RETURN(auto in, InputFile::Open(path));
  std::string text(max_bytes + 1, '\0');
  VIGIL_ASSIGN_OR_RETURN(
      std::size_t n,
      ReadFull(in->source(),
               MutableByteSpan(reinterpret_cast<std::uint8_t*>(text.data()), text.size())));
  if (n > max_bytes) return MakeError(Errc::kResourceExhausted, path + " is too large");
  text.resize(n);
  return text;
}

}  // namespace vigil::cli

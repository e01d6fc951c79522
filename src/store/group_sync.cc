#include "store/group_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace vigil::store {

Result<std::unique_ptr<GroupSync>> GroupSync::Open(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return MakeError(Errc::kIo, "open " + dir.string() + ": " + std::strerror(errno));
  return std::unique_ptr<GroupSync>(new GroupSync(fd));
}

GroupSync::~GroupSync() { ::close(fd_); }

Status GroupSync::Sync() {
  std::unique_lock lock(mu_);
  // Writes made before this point are covered by any syncfs that starts after it.
  const std::uint64_t ticket = ++requested_;
  while (completed_ < ticket && !failed_) {
    if (running_) {
      done_cv_.wait(lock);
      continue;
    }
    running_ = true;
    const std::uint64_t covers = requested_;
    lock.unlock();
    int rc = ::syncfs(fd_);
    int error = errno;
    lock.lock();
    running_ = false;
    if (rc != 0) {
      failed_ = true;
      done_cv_.notify_all();
      return MakeError(Errc::kIo, std::string("syncfs: ") + std::strerror(error));
    }
    completed_ = covers;
    done_cv_.notify_all();
  }
  if (failed_) return MakeError(Errc::kIo, "an earlier syncfs failed");
  return OkStatus();
}

}  // namespace vigil::store

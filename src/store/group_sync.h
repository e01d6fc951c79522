// One syncfs shared by concurrent callers: each caller's earlier writes on the file system are
// durable when Sync returns, and callers that arrive together share one system call. This is
// the blob store's group commit, as the log's WriteGroup and the database's writer are theirs.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>

#include "base/error.h"

namespace vigil::store {

// Thread-safe.
class GroupSync {
 public:
  // `dir`: any directory on the file system to sync. kIo when it cannot be opened.
  static Result<std::unique_ptr<GroupSync>> Open(const std::filesystem::path& dir);
  ~GroupSync();

  // Returns once everything written before the call is durable. kIo when a sync fails; after
  // one failure every later call fails too (the kernel may have dropped dirty pages).
  Status Sync();

 private:
  explicit GroupSync(int fd) : fd_(fd) {}

  int fd_;
  std::mutex mu_;
  std::condition_variable done_cv_;
  std::uint64_t requested_ = 0;  // tickets handed out
  std::uint64_t completed_ = 0;  // every ticket up to this one is durable
  bool running_ = false;
  bool failed_ = false;
};

}  // namespace vigil::store

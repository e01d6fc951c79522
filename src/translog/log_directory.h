// The log's files on disk, laid out exactly as they are served (tlog-tiles), so any static file
// server can publish them. Writes are grouped: data is synced before any file becomes visible
// under its final name, so after a crash every visible file is complete.
// Format: docs/formats/log.md ("On disk")
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil::translog {

class LogDirectory {
 public:
  // Opens `root` (which must exist). Fails with kIo.
  static Result<LogDirectory> Open(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }

  // Reads a file by its log path ("checkpoint", "tile/0/000"). Returns nullopt when absent.
  Result<std::optional<Bytes>> Read(const std::string& path) const;
  // The widths of the partial versions of a tile or bundle that exist ("tile/0/000" →
  // tile/0/000.p/<w> for each w), descending.
  std::vector<std::size_t> PartialWidths(const std::string& full_path) const;

  // Flushes every buffer of the file system holding the log: the data and names of everything
  // written so far on it are durable when it returns.
  Status Sync() const;

  // A group of files written together: Stage writes each to a temporary file; Commit syncs all
  // their data, renames them into place and syncs the file system again, so the group is
  // durable when Commit returns. Files not committed are removed.
  class WriteGroup {
   public:
    explicit WriteGroup(const LogDirectory& dir) : dir_(dir) {}
    ~WriteGroup();
    WriteGroup(const WriteGroup&) = delete;
    WriteGroup& operator=(const WriteGroup&) = delete;
    Status Stage(const std::string& path, ByteSpan data);
    Status Commit();
    // Commit in its three steps, for a caller with work to start between them: Sync (the data),
    // Rename (the files into place), Sync (their names).
    Status Rename();
    std::size_t staged() const { return staged_.size(); }

   private:
    const LogDirectory& dir_;
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temp, final
  };

 private:
  explicit LogDirectory(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

}  // namespace vigil::translog

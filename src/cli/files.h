// Files for the command line: inputs ("-" is standard input) and outputs that appear only when
// complete (written to a temporary file beside the target, synced, then renamed).
#pragma once

#include <memory>
#include <string>

#include "base/io.h"

namespace vigil::cli {

// An opened input; "-" or empty reads standard input.
class InputFile {
 public:
  static Result<std::unique_ptr<InputFile>> Open(const std::string& path);
  ~InputFile();
  Source& source() { return source_; }

 private:
  explicit InputFile(int fd, bool owned) : fd_(fd), owned_(owned), source_(fd) {}
  int fd_;
  bool owned_;
  FdSource source_;
};

// An output. For a path, bytes go to a temporary file in the same directory that Commit()
// syncs and renames over the path; without Commit() the temporary is removed, so a failed run
// leaves nothing behind. For "-" or empty, bytes go straight to standard output.
class OutputFile {
 public:
  // `mode` is the permission of a new file (0600 for secrets).
  static Result<std::unique_ptr<OutputFile>> Create(const std::string& path, int mode = 0644);
  ~OutputFile();
  Sink& sink() { return sink_; }
  bool is_terminal() const;
  Status Commit();

 private:
  OutputFile(int fd, std::string path, std::string temp)
      : fd_(fd), path_(std::move(path)), temp_(std::move(temp)), sink_(fd) {}
  int fd_;
  std::string path_;  // empty for standard output
  std::string temp_;
  FdSink sink_;
  bool committed_ = false;
};

// Reads a whole small file (identity or recipients file); "-" is standard input.
Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes = 1 << 20);

}  // namespace vigil::cli

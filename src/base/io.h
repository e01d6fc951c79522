// Byte streams: the seams through which age, the blob store and the CLI read and write, so the
// same code serves files, pipes, sockets and memory, and tests can inject failures.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil {

// A readable stream. Not thread-safe.
class Source {
 public:
  virtual ~Source() = default;
  // Reads up to out.size() bytes; returns 0 only at end of stream (or when out is empty).
  // May return fewer bytes than asked before the end.
  virtual Result<std::size_t> Read(MutableByteSpan out) = 0;
};

// A writable stream. Not thread-safe.
class Sink {
 public:
  virtual ~Sink() = default;
  // Writes all of `data` or fails.
  virtual Status Write(ByteSpan data) = 0;
};

// Reads until `out` is full or the stream ends; returns the number of bytes read.
Result<std::size_t> ReadFull(Source& source, MutableByteSpan out);

// A file descriptor, not owned. Retries on EINTR; errors are kIo with errno's text.
class FdSource final : public Source {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  Result<std::size_t> Read(MutableByteSpan out) override;

 private:
  int fd_;
};

class FdSink final : public Sink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}
  Status Write(ByteSpan data) override;

 private:
  int fd_;
};

// Reads from memory the caller keeps alive.
class MemorySource final : public Source {
 public:
  explicit MemorySource(ByteSpan data) : data_(data) {}
  Result<std::size_t> Read(MutableByteSpan out) override;

 private:
  ByteSpan data_;
};

// Appends to a byte vector the caller keeps alive.
class BytesSink final : public Sink {
 public:
  explicit BytesSink(Bytes& out) : out_(out) {}
  Status Write(ByteSpan data) override {
    out_.insert(out_.end(), data.begin(), data.end());
    return OkStatus();
  }

 private:
  Bytes& out_;
};

// A Source with a read-ahead buffer, for parsers that read lines and then hand the rest of the
// stream on. Not thread-safe.
class BufferedSource final : public Source {
 public:
  explicit BufferedSource(Source& inner, std::size_t buffer_size = 64 * 1024);

  // Reads one line ending in '\n' (the '\n' included in the result). Fails with kMalformed
  // when the line is longer than `max_length` bytes (newline included) or the stream ends
  // before a newline, unless `allow_unterminated`: then the rest of the stream is returned
  // (empty at the end). Errors of the inner source pass through.
  Result<std::string> ReadLine(std::size_t max_length, bool allow_unterminated = false);

  // Returns up to n bytes that the next Read would return, without consuming them.
  Result<ByteSpan> Peek(std::size_t n);

  Result<std::size_t> Read(MutableByteSpan out) override;

 private:
  Status Fill();  // reads more into buffer_; sets eof_ at end of stream

  Source& inner_;
  Bytes buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
};

}  // namespace vigil

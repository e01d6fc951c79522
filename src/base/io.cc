#include "base/io.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vigil {

Result<std::size_t> ReadFull(Source& source, MutableByteSpan out) {
  std::size_t done = 0;
  while (done < out.size()) {
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, source.Read(out.subspan(done)));
    if (n == 0) break;
    done += n;
  }
  return done;
}

Result<std::size_t> FdSource::Read(MutableByteSpan out) {
  while (true) {
    ssize_t n = ::read(fd_, out.data(), out.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return MakeError(Errc::kIo, std::string("read: ") + std::strerror(errno));
  }
}

Status FdSink::Write(ByteSpan data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(Errc::kIo, std::string("write: ") + std::strerror(errno));
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return OkStatus();
}

Result<std::size_t> MemorySource::Read(MutableByteSpan out) {
  std::size_t n = std::min(out.size(), data_.size());
  if (n > 0) std::memcpy(out.data(), data_.data(), n);
  data_ = data_.subspan(n);
  return n;
}

BufferedSource::BufferedSource(Source& inner, std::size_t buffer_size)
    : inner_(inner), buffer_(buffer_size) {}

Status BufferedSource::Fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size() || eof_) return OkStatus();
  VIGIL_ASSIGN_OR_RETURN(std::size_t n, inner_.Read(MutableByteSpan(buffer_).subspan(end_)));
  if (n == 0) eof_ = true;
  end_ += n;
  return OkStatus();
}

Result<std::string> BufferedSource::ReadLine(std::size_t max_length, bool allow_unterminated) {
  std::string line;
  while (true) {
    const std::uint8_t* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    std::size_t take =
        nl ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - start) + 1
           : end_ - begin_;
    if (line.size() + take > max_length)
      return MakeError(Errc::kMalformed,
                       "line longer than " + std::to_string(max_length) + " bytes");
    line.append(reinterpret_cast<const char*>(start), take);
    begin_ += take;
    if (nl) return line;
    if (eof_ && begin_ == end_) {
      if (allow_unterminated) return line;
      return MakeError(Errc::kMalformed, "unexpected end of stream in a line");
    }
    VIGIL_RETURN_IF_ERROR(Fill());
  }
}

Result<ByteSpan> BufferedSource::Peek(std::size_t n) {
  n = std::min(n, buffer_.size());
  while (end_ - begin_ < n && !eof_) VIGIL_RETURN_IF_ERROR(Fill());
  return ByteSpan(buffer_.data() + begin_, std::min(n, end_ - begin_));
}

Result<std::size_t> BufferedSource::Read(MutableByteSpan out) {
  if (out.empty()) return std::size_t{0};
  if (begin_ == end_) {
    // Large reads bypass the buffer once it is drained.
    if (out.size() >= buffer_.size() && !eof_) return inner_.Read(out);
    VIGIL_RETURN_IF_ERROR(Fill());
  }
  std::size_t n = std::min(out.size(), end_ - begin_);
  if (n > 0) std::memcpy(out.data(), buffer_.data() + begin_, n);
  begin_ += n;
  return n;
}

}  // namespace vigil

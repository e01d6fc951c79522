// Format: docs/formats/age.md ("ASCII armor")
#include "crypto/age/armor.h"

#include <algorithm>
#include <cstring>

#include "base/base64.h"

namespace vigil::age {
namespace {

constexpr std::size_t kLineBytes = 48;  // 64 base64 columns
constexpr std::size_t kColumns = 64;
constexpr std::size_t kMaxSurroundingWhitespace = 1024;

bool IsSpace(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Error BadArmor(std::string detail) { return MakeError(Errc::kBadArmor, std::move(detail)); }

// Strips the line ending (LF or CRLF); false if there is none.
bool StripEol(std::string& line) {
  if (line.empty() || line.back() != '\n') return false;
  line.pop_back();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

}  // namespace

ArmorWriter::ArmorWriter(Sink& out) : out_(out) {}

Status ArmorWriter::FlushText(bool all) {
  if (text_.size() >= 64 * 1024 || (all && !text_.empty())) {
    VIGIL_RETURN_IF_ERROR(out_.Write(AsBytes(text_)));
    text_.clear();
  }
  return OkStatus();
}

Status ArmorWriter::Write(ByteSpan data) {
  if (!begun_) {
    text_.append(kArmorBegin).push_back('\n');
    begun_ = true;
  }
  while (!data.empty()) {
    if (pending_.empty() && data.size() >= kLineBytes) {
      text_ += Base64Encode(data.first(kLineBytes));
      text_ += '\n';
      data = data.subspan(kLineBytes);
    } else {
      std::size_t take = std::min(kLineBytes - pending_.size(), data.size());
      pending_.insert(pending_.end(), data.begin(),
                      data.begin() + static_cast<std::ptrdiff_t>(take));
      data = data.subspan(take);
      if (pending_.size() == kLineBytes) {
        text_ += Base64Encode(pending_);
        text_ += '\n';
        pending_.clear();
      }
    }
    VIGIL_RETURN_IF_ERROR(FlushText(false));
  }
  return OkStatus();
}

Status ArmorWriter::Close() {
  if (!begun_) VIGIL_RETURN_IF_ERROR(Write({}));
  if (!pending_.empty()) {
    text_ += Base64Encode(pending_);
    text_ += '\n';
    pending_.clear();
  }
  text_.append(kArmorEnd).push_back('\n');
  return FlushText(true);
}

bool LooksArmored(ByteSpan prefix) {
  std::size_t i = 0;
  while (i < prefix.size() && IsSpace(prefix[i])) ++i;
  return AsChars(prefix.subspan(i)).starts_with("-----BEGIN");
}

Status ArmorReader::ReadBegin() {
  for (std::size_t skipped = 0;; ++skipped) {
    VIGIL_ASSIGN_OR_RETURN(ByteSpan next, in_.Peek(1));
    if (next.empty()) return BadArmor("no armor begin line");
    if (!IsSpace(next[0])) break;
    if (skipped >= kMaxSurroundingWhitespace) return BadArmor("too much whitespace before armor");
    std::uint8_t c;
    VIGIL_RETURN_IF_ERROR(in_.Read(MutableByteSpan(&c, 1)));
  }
  auto line = in_.ReadLine(kArmorBegin.size() + 2);
  if (!line)
    return line.error().code == Errc::kMalformed ? BadArmor("bad begin line") : line.error();
  if (!StripEol(*line) || *line != kArmorBegin) return BadArmor("bad begin line");
  begun_ = true;
  return OkStatus();
}

Status ArmorReader::ReadTrailer() {
  Bytes rest(kMaxSurroundingWhitespace + 1);
  VIGIL_ASSIGN_OR_RETURN(std::size_t n, ReadFull(in_, rest));
  if (n > kMaxSurroundingWhitespace) return BadArmor("data after armor end line");
  for (std::size_t i = 0; i < n; ++i) {
    if (!IsSpace(rest[i])) return BadArmor("data after armor end line");
  }
  return OkStatus();
}

Status ArmorReader::DecodeLine() {
  auto line = in_.ReadLine(kColumns + 2, /*allow_unterminated=*/true);
  if (!line)
    return line.error().code == Errc::kMalformed ? BadArmor("armor line too long") : line.error();
  bool had_eol = StripEol(*line);
  if (*line == kArmorEnd) {
    done_ = true;
    return had_eol ? ReadTrailer() : OkStatus();
  }
  if (!had_eol) return BadArmor("armor ends without end line");
  if (last_line_seen_) return BadArmor("short or padded armor line before the end");
  if (line->empty() || line->size() > kColumns) return BadArmor("armor line has the wrong length");
  if (line->size() < kColumns || line->back() == '=') last_line_seen_ = true;
  auto bytes = Base64Decode(*line, Base64Padding::kPadded);
  if (!bytes) return BadArmor("armor line is not canonical base64");
  decoded_ = std::move(*bytes);
  decoded_pos_ = 0;
  return OkStatus();
}

Result<std::size_t> ArmorReader::Read(MutableByteSpan out) {
  if (!begun_) VIGIL_RETURN_IF_ERROR(ReadBegin());
  std::size_t done = 0;
  while (done < out.size()) {
    if (decoded_pos_ == decoded_.size()) {
      if (done_) break;
      VIGIL_RETURN_IF_ERROR(DecodeLine());
      continue;
    }
    std::size_t n = std::min(out.size() - done, decoded_.size() - decoded_pos_);
    std::memcpy(out.data() + done, decoded_.data() + decoded_pos_, n);
    decoded_pos_ += n;
    done += n;
  }
  return done;
}

}  // namespace vigil::age

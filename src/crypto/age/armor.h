// ASCII armor for age files: strict PEM (RFC 7468 section 3, figure 3) with the label
// "AGE ENCRYPTED FILE", 64-column lines of padded base64.
// Format: docs/formats/age.md ("ASCII armor").
#pragma once

#include <string>

#include "base/io.h"

namespace vigil::age {

inline constexpr std::string_view kArmorBegin = "-----BEGIN AGE ENCRYPTED FILE-----";
inline constexpr std::string_view kArmorEnd = "-----END AGE ENCRYPTED FILE-----";

// Encodes everything written to it onto `out`. Close() must be called to write the last line
// and the end marker; nothing is valid before it.
class ArmorWriter final : public Sink {
 public:
  explicit ArmorWriter(Sink& out);
  Status Write(ByteSpan data) override;
  Status Close();

 private:
  Status FlushText(bool all);

  Sink& out_;
  Bytes pending_;     // fewer than 48 bytes waiting for a full line
  std::string text_;  // encoded lines not yet written
  bool begun_ = false;
};

// Decodes an armored stream. Strict, as the age specification asks: only whitespace may stand
// before the begin marker and after the end marker (at most 1 KiB each); lines end in LF or
// CRLF; every line but the last is exactly 64 columns; base64 is canonical and padded, with
// padding only at the very end. Any deviation is kBadArmor; errors of `in` pass through.
class ArmorReader final : public Source {
 public:
  explicit ArmorReader(BufferedSource& in) : in_(in) {}
  Result<std::size_t> Read(MutableByteSpan out) override;

 private:
  Status ReadBegin();
  Status ReadTrailer();
  // Decodes the next line into decoded_; sets done_ after the end marker.
  Status DecodeLine();

  BufferedSource& in_;
  Bytes decoded_;
  std::size_t decoded_pos_ = 0;
  bool begun_ = false;
  bool done_ = false;
  bool last_line_seen_ = false;  // a short or padded line: the next must be the end marker
};

// True if `prefix` (the first bytes of a stream) looks like an armored age file: optional
// whitespace, then "-----BEGIN".
bool LooksArmored(ByteSpan prefix);

}  // namespace vigil::age

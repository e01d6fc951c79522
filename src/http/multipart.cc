// Format: docs/api/http.md ("Multipart forms")
#include "http/multipart.h"

#include <cstring>
#include <utility>

#include "base/check.h"

namespace vigil::http {
namespace {

constexpr std::size_t kMaxBoundary = 70;  // RFC 2046 section 5.1.1

Error Invalid(std::string detail) {
  return MakeError(Errc::kInvalidArgument, "multipart: " + std::move(detail));
}
Error Exhausted(std::string detail) {
  return MakeError(Errc::kResourceExhausted, "multipart: " + std::move(detail));
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 9110 section 5.6.2.
bool IsTokenChar(char c) {
  return IsAlnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 section 5.1.1.
bool IsBoundaryChar(char c) {
  return IsAlnum(c) || std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `lower` is already lower case.
bool EqualsIgnoreCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (ToLower(s[i]) != lower[i]) return false;
  }
  return true;
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

void SkipOws(std::string_view s, std::size_t& i) {
  while (i < s.size() && IsOws(s[i])) ++i;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view ReadToken(std::string_view s, std::size_t& i) {
  std::size_t start = i;
  while (i < s.size() && IsTokenChar(s[i])) ++i;
  return s.substr(start, i - start);
}

// A field value byte (RFC 9110 section 5.5): visible ASCII, space, tab or obs-text.
bool IsFieldValueChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7f);
}

// A parameter value after '=' in a Content-Type: a token or an RFC 9110 quoted-string with
// quoted-pairs.
Result<std::string> ReadParameterValue(std::string_view s, std::size_t& i) {
  if (i < s.size() && s[i] == '"') {
    std::string out;
    for (++i; i < s.size(); ++i) {
      char c = s[i];
      if (c == '"') {
        ++i;
        return out;
      }
      if (c == '\\') {
        if (++i == s.size()) break;
        c = s[i];
      }
      if (!IsFieldValueChar(c)) return Invalid("bad character in a quoted parameter");
      out.push_back(c);
    }
    return Invalid("unterminated quoted parameter");
  }
  std::string_view token = ReadToken(s, i);
  if (token.empty()) return Invalid("empty parameter value");
  return std::string(token);
}

}  // namespace

Result<std::string> BoundaryFromContentType(std::string_view content_type) {
  std::string_view s = content_type;
  std::size_t i = 0;
  SkipOws(s, i);
  std::string_view type = ReadToken(s, i);
  if (i == s.size() || s[i] != '/') return Invalid("Content-Type has no media type");
  ++i;
  std::string_view subtype = ReadToken(s, i);
  if (!EqualsIgnoreCase(type, "multipart") || !EqualsIgnoreCase(subtype, "form-data"))
    return Invalid("Content-Type is not multipart/form-data");
  std::optional<std::string> boundary;
  while (true) {
    SkipOws(s, i);
    if (i == s.size()) break;
    if (s[i] != ';') return Invalid("bad Content-Type parameter list");
    ++i;
    SkipOws(s, i);
    if (i == s.size()) break;
    std::string_view name = ReadToken(s, i);
    if (name.empty() || i == s.size() || s[i] != '=') return Invalid("bad Content-Type parameter");
    ++i;
    VIGIL_ASSIGN_OR_RETURN(std::string value, ReadParameterValue(s, i));
    if (EqualsIgnoreCase(name, "boundary")) {
      // Security: T8, two boundaries could be read differently by a proxy and by us.
      if (boundary) return Invalid("repeated boundary parameter");
      boundary = std::move(value);
    }
  }
  if (!boundary) return Invalid("Content-Type has no boundary");
  if (boundary->empty() || boundary->size() > kMaxBoundary)
    return Invalid("boundary is not 1 to 70 characters");
  for (char c : *boundary) {
    if (!IsBoundaryChar(c)) return Invalid("boundary has a character outside RFC 2046 bchars");
  }
  if (boundary->back() == ' ') return Invalid("boundary ends with a space");
  return *std::move(boundary);
}

MultipartParser::MultipartParser(std::string_view boundary, MultipartLimits limits,
                                 MultipartVisitor& visitor)
    : delimiter_("\r\n--" + std::string(boundary)), limits_(limits), visitor_(visitor) {
  CHECK(!boundary.empty() && boundary.size() <= kMaxBoundary);
  // The matcher below relies on this: the delimiter holds no CR after its first byte.
  CHECK(boundary.find('\r') == std::string_view::npos);
}

Status MultipartParser::Feed(ByteSpan chunk) {
  if (error_) return *error_;
  Status status = Consume(chunk);
  if (!status) error_ = status.error();
  return status;
}

Status MultipartParser::Finish() {
  if (error_) return *error_;
  if (state_ == State::kEpilogue) return OkStatus();
  error_ = Invalid("body ended before the close delimiter");
  return *error_;
}

Status MultipartParser::Consume(ByteSpan chunk) {
  std::size_t i = 0;
  while (i < chunk.size()) {
    const char c = static_cast<char>(chunk[i]);
    switch (state_) {
      case State::kBody:
        VIGIL_RETURN_IF_ERROR(ScanBody(chunk, i));
        break;
      case State::kAfterBoundary:
        if (c == '-' || c == '\r' || IsOws(c)) {
          lookahead_[lookahead_size_++] = c;
          state_ = c == '-'    ? State::kAfterDash
                   : c == '\r' ? State::kAfterBoundaryCr
                               : State::kPadding;
          ++i;
        } else {
          VIGIL_RETURN_IF_ERROR(DropFalseDelimiter());
        }
        break;
      case State::kAfterDash:
        if (c == '-') {
          ++i;
          VIGIL_RETURN_IF_ERROR(EndDelimiterLine(/*close=*/true));
        } else {
          VIGIL_RETURN_IF_ERROR(DropFalseDelimiter());
        }
        break;
      case State::kPadding:
        if (c == '\r' || (IsOws(c) && lookahead_size_ < kMaxTransportPadding)) {
          lookahead_[lookahead_size_++] = c;
          if (c == '\r') state_ = State::kAfterBoundaryCr;
          ++i;
        } else {
          VIGIL_RETURN_IF_ERROR(DropFalseDelimiter());
        }
        break;
      case State::kAfterBoundaryCr:
        if (c == '\n') {
          ++i;
          VIGIL_RETURN_IF_ERROR(EndDelimiterLine(/*close=*/false));
        } else {
          VIGIL_RETURN_IF_ERROR(DropFalseDelimiter());
        }
        break;
      case State::kHeaders:
        VIGIL_RETURN_IF_ERROR(ConsumeHeaderByte(chunk[i]));
        ++i;
        break;
      case State::kEpilogue:
        return OkStatus();
    }
  }
  return OkStatus();
}

// Security: T8, a part of any size costs no memory. Data goes to the visitor in runs as long as
// the chunk allows; only bytes that might begin a delimiter are held back, and they are always a
// prefix of delimiter_, so holding them needs no buffer. Only the first byte of the delimiter is
// a CR, so after a mismatch the next delimiter can start at the mismatching byte at the earliest.
Status MultipartParser::ScanBody(ByteSpan chunk, std::size_t& pos) {
  constexpr std::size_t kCarried = static_cast<std::size_t>(-1);
  const std::size_t n = chunk.size();
  std::size_t data_start = pos;
  // Where the held bytes begin in this chunk, or kCarried if they began before `pos`.
  std::size_t match_start = matched_ > 0 ? kCarried : 0;
  std::size_t i = pos;
  while (i < n) {
    if (matched_ == 0) {
      const void* cr = std::memchr(chunk.data() + i, '\r', n - i);
      if (cr == nullptr) {
        i = n;
        break;
      }
      i = static_cast<std::size_t>(static_cast<const std::uint8_t*>(cr) - chunk.data());
      match_start = i;
      matched_ = 1;
      ++i;
      continue;
    }
    if (static_cast<char>(chunk[i]) == delimiter_[matched_]) {
      ++i;
      if (++matched_ == delimiter_.size()) {
        // The data before a whole delimiter is data whatever follows the delimiter.
        if (match_start != kCarried)
          VIGIL_RETURN_IF_ERROR(EmitData(chunk.subspan(data_start, match_start - data_start)));
        state_ = State::kAfterBoundary;
        lookahead_size_ = 0;
        pos = i;
        return OkStatus();
      }
      continue;
    }
    if (match_start == kCarried) {
      VIGIL_RETURN_IF_ERROR(EmitData(AsBytes(std::string_view(delimiter_).substr(0, matched_))));
      data_start = i;
    }
    matched_ = 0;
  }
  std::size_t end = n;
  if (matched_ > 0) end = match_start == kCarried ? data_start : match_start;
  VIGIL_RETURN_IF_ERROR(EmitData(chunk.subspan(data_start, end - data_start)));
  pos = n;
  return OkStatus();
}

Status MultipartParser::EmitData(ByteSpan data) {
  if (!in_part_ || data.empty()) return OkStatus();  // the preamble is dropped
  return visitor_.OnPartData(data);
}

// `CRLF--boundary` and what followed it were not a delimiter: they are data, and the byte that
// broke the match is scanned again as body.
Status MultipartParser::DropFalseDelimiter() {
  VIGIL_RETURN_IF_ERROR(EmitData(AsBytes(delimiter_)));
  VIGIL_RETURN_IF_ERROR(EmitData(AsBytes(std::string_view(lookahead_.data(), lookahead_size_))));
  lookahead_size_ = 0;
  matched_ = 0;
  state_ = State::kBody;
  return OkStatus();
}

Status MultipartParser::EndDelimiterLine(bool close) {
  lookahead_size_ = 0;
  matched_ = 0;
  if (in_part_) {
    in_part_ = false;
    VIGIL_RETURN_IF_ERROR(visitor_.OnPartEnd());
  }
  if (close) {
    state_ = State::kEpilogue;
    return OkStatus();
  }
  if (parts_ == limits_.max_parts) return Exhausted("too many parts");
  ++parts_;
  line_.clear();
  line_cr_ = false;
  header_bytes_ = 0;
  headers_ = PartHeaders{};
  has_disposition_ = false;
  has_content_type_ = false;
  state_ = State::kHeaders;
  return OkStatus();
}

Status MultipartParser::ConsumeHeaderByte(std::uint8_t byte) {
  const char c = static_cast<char>(byte);
  // Security: T8, counted per byte so an endless header line is stopped at the limit.
  if (++header_bytes_ > limits_.max_part_header_bytes) return Exhausted("part headers too large");
  if (line_cr_) {
    if (c != '\n') return Invalid("CR without LF in part headers");
    line_cr_ = false;
    if (line_.empty()) return BeginPart();
    VIGIL_RETURN_IF_ERROR(ParseHeaderLine(line_));
    line_.clear();
    return OkStatus();
  }
  if (c == '\r') {
    line_cr_ = true;
  } else if (c == '\n') {
    return Invalid("LF without CR in part headers");
  } else {
    line_.push_back(c);
  }
  return OkStatus();
}

Status MultipartParser::ParseHeaderLine(std::string_view line) {
  std::size_t i = 0;
  std::string_view name = ReadToken(line, i);
  // A line starting with white space (obsolete folding) has an empty name.
  if (name.empty() || i == line.size() || line[i] != ':') return Invalid("bad part header line");
  std::string_view value = TrimOws(line.substr(i + 1));
  for (char c : value) {
    if (!IsFieldValueChar(c)) return Invalid("control character in a part header");
  }
  if (EqualsIgnoreCase(name, "content-disposition")) {
    if (has_disposition_) return Invalid("repeated Content-Disposition");
    has_disposition_ = true;
    return ParseContentDisposition(value);
  }
  if (EqualsIgnoreCase(name, "content-type")) {
    if (has_content_type_) return Invalid("repeated Content-Type");
    if (value.empty()) return Invalid("empty Content-Type");
    has_content_type_ = true;
    headers_.content_type = std::string(value);
  }
  return OkStatus();
}

// Quoted-strings here follow browsers (HTML standard, "multipart/form-data encoding algorithm"):
// a backslash is literal and the first '"' ends the value.
Status MultipartParser::ParseContentDisposition(std::string_view value) {
  std::size_t i = 0;
  if (!EqualsIgnoreCase(ReadToken(value, i), "form-data"))
    return Invalid("Content-Disposition is not form-data");
  bool has_name = false;
  bool has_filename = false;
  while (true) {
    SkipOws(value, i);
    if (i == value.size()) break;
    if (value[i] != ';') return Invalid("bad Content-Disposition parameter list");
    ++i;
    SkipOws(value, i);
    if (i == value.size()) break;
    std::string_view param = ReadToken(value, i);
    if (param.empty() || i == value.size() || value[i] != '=')
      return Invalid("bad Content-Disposition parameter");
    ++i;
    std::string_view v;
    if (i < value.size() && value[i] == '"') {
      std::size_t close = value.find('"', i + 1);
      if (close == std::string_view::npos) return Invalid("unterminated quoted parameter");
      v = value.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      v = ReadToken(value, i);
      if (v.empty()) return Invalid("empty parameter value");
    }
    // Security: T8, one spelling of each value; filename* would be a second one.
    if (param.back() == '*')
      return Invalid("RFC 5987 parameter (such as filename*) in form data, see RFC 7578 4.2");
    if (EqualsIgnoreCase(param, "name")) {
      if (has_name) return Invalid("repeated name parameter");
      if (v.empty()) return Invalid("empty part name");
      if (v.size() > limits_.max_name_bytes) return Exhausted("part name too long");
      has_name = true;
      headers_.name = std::string(v);
    } else if (EqualsIgnoreCase(param, "filename")) {
      if (has_filename) return Invalid("repeated filename parameter");
      has_filename = true;
      headers_.filename = std::string(v);
    }
  }
  if (!has_name) return Invalid("Content-Disposition has no name");
  return OkStatus();
}

Status MultipartParser::BeginPart() {
  if (!has_disposition_) return Invalid("part has no Content-Disposition");
  line_.clear();
  in_part_ = true;
  matched_ = 0;
  state_ = State::kBody;
  return visitor_.OnPartBegin(headers_);
}

}  // namespace vigil::http

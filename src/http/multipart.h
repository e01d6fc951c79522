// A streaming multipart/form-data parser (RFC 7578, RFC 2046 section 5.1) for the no-JavaScript
// report form: file parts of any size pass through in constant memory, fed in chunks of any size.
// Pure: no I/O and no Beast types, fuzzed in tests/fuzz. Format: docs/api/http.md
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil::http {

// The boundary of a `multipart/form-data` Content-Type value, unquoted. The media type is matched
// case-insensitively and needs exactly one `boundary` parameter (name case-insensitive, value a
// token or a quoted-string); other parameters are checked for syntax and ignored. The boundary is
// 1 to 70 RFC 2046 bchars and does not end with a space; a boundary holding a space or one of
// ( ) , / : = ? must be quoted. Fails with kInvalidArgument on anything else.
Result<std::string> BoundaryFromContentType(std::string_view content_type);

struct MultipartLimits {
  std::size_t max_parts = 64;
  // Per part: every byte after the delimiter line, up to and including the empty line.
  std::size_t max_part_header_bytes = 4096;
  std::size_t max_name_bytes = 256;  // the `name` parameter
};

// The headers of one part that a form consumer needs. Values are as sent: browsers escape `"`,
// CR and LF in names and filenames as %22, %0D and %0A (HTML standard) and the parser does not
// undo this; a backslash is an ordinary character.
struct PartHeaders {
  std::string name;                     // never empty
  std::optional<std::string> filename;  // present for file inputs; may be empty (no file chosen)
  std::string content_type = "text/plain";
};

// Receives the parts in order: OnPartBegin, then OnPartData zero or more times with non-empty
// spans (valid only during the call), then OnPartEnd. An error returned by any of them stops
// parsing; Feed and Finish then return that error unchanged.
class MultipartVisitor {
 public:
  virtual ~MultipartVisitor() = default;
  virtual Status OnPartBegin(const PartHeaders& headers) = 0;
  virtual Status OnPartData(ByteSpan data) = 0;
  virtual Status OnPartEnd() = 0;
};

// Parses one request body. Memory is bounded by the limits (one header line and the delimiter),
// whatever the size of the parts. Not thread-safe; the visitor must outlive the parser.
//
// Accepted: a preamble (ignored), then `--boundary`, transport padding (at most
// kMaxTransportPadding spaces or tabs) and CRLF, each part's headers, CRLF, its data, then
// `CRLF--boundary` and the next part, or `CRLF--boundary--` and an epilogue (ignored). A close
// delimiter with no part before it is an empty form. `CRLF--boundary` followed by anything else
// is part data. In part headers: lines end in CRLF; no folding; no control character but tab;
// Content-Disposition `form-data` with a non-empty `name` is required, `filename` is optional,
// parameter values are tokens or quoted-strings; Content-Type is optional; other headers are
// ignored (Content-Transfer-Encoding is not applied). A second Content-Disposition,
// Content-Type, name or filename is rejected, and so are `filename*` and any other RFC 5987 `*`
// parameter, which RFC 7578 section 4.2 forbids in form data.
class MultipartParser {
 public:
  static constexpr std::size_t kMaxTransportPadding = 32;

  // `boundary` is as returned by BoundaryFromContentType (CHECKed: 1 to 70 characters).
  MultipartParser(std::string_view boundary, MultipartLimits limits, MultipartVisitor& visitor);
  MultipartParser(const MultipartParser&) = delete;
  MultipartParser& operator=(const MultipartParser&) = delete;

  // Parses the next bytes of the body. Fails with kInvalidArgument on malformed input,
  // kResourceExhausted when a limit is hit, or the visitor's error. After a failure every call
  // returns the same error.
  Status Feed(ByteSpan chunk);

  // Ends the body: fails with kInvalidArgument if the close delimiter has not been seen, or with
  // the earlier error.
  Status Finish();

 private:
  enum class State {
    kBody,             // preamble or part data, scanning for the delimiter
    kAfterBoundary,    // a whole `CRLF--boundary` seen: `--`, padding or CRLF must follow
    kAfterDash,        // one '-' of the close delimiter seen
    kPadding,          // transport padding seen
    kAfterBoundaryCr,  // the CR that ends the delimiter line seen
    kHeaders,          // part headers
    kEpilogue,         // after the close delimiter
  };

  Status Consume(ByteSpan chunk);
  Status ScanBody(ByteSpan chunk, std::size_t& pos);
  Status EmitData(ByteSpan data);
  Status DropFalseDelimiter();
  Status EndDelimiterLine(bool close);
  Status ConsumeHeaderByte(std::uint8_t c);
  Status ParseHeaderLine(std::string_view line);
  Status ParseContentDisposition(std::string_view value);
  Status BeginPart();

  const std::string delimiter_;  // CRLF "--" boundary
  const MultipartLimits limits_;
  MultipartVisitor& visitor_;

  State state_ = State::kBody;
  // Bytes of delimiter_ matched so far, held back from the visitor until the match fails. It
  // starts at 2: the first delimiter may open the body without the CRLF before it.
  std::size_t matched_ = 2;
  // Held back after a whole delimiter: '-', transport padding, CR.
  std::array<char, kMaxTransportPadding + 1> lookahead_{};
  std::size_t lookahead_size_ = 0;
  bool in_part_ = false;
  std::size_t parts_ = 0;

  // Headers of the part being read.
  std::string line_;
  bool line_cr_ = false;
  std::size_t header_bytes_ = 0;
  PartHeaders headers_;
  bool has_disposition_ = false;
  bool has_content_type_ = false;

  std::optional<Error> error_;
};

}  // namespace vigil::http

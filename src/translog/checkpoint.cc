#include "translog/checkpoint.h"

#include <algorithm>
#include <charconv>

#include "base/base64.h"

// Format: docs/formats/log.md
namespace vigil::translog {
namespace {

// Decimal with no sign, no leading zero (except "0" itself) and no overflow.
bool ParseTreeSize(std::string_view s, std::uint64_t& out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// A line that can sit in a checkpoint body: non-empty, one line, note characters only.
bool IsValidBodyLine(std::string_view line) {
  if (line.empty() || line.find('\n') != std::string_view::npos) return false;
  return ValidateNoteText(std::string(line) + "\n").has_value();
}

}  // namespace

Result<Checkpoint> ParseCheckpoint(std::string_view text) {
  if (!ValidateNoteText(text))
    return MakeError(Errc::kMalformed, "checkpoint: not a valid note text");
  std::vector<std::string_view> lines;
  text.remove_suffix(1);  // the final newline ends the last line; it does not start another
  for (std::size_t start = 0;;) {
    std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (lines.size() < 3) return MakeError(Errc::kMalformed, "checkpoint: fewer than three lines");
  if (std::any_of(lines.begin(), lines.end(), [](std::string_view l) { return l.empty(); }))
    return MakeError(Errc::kMalformed, "checkpoint: empty line");
  Checkpoint checkpoint;
  checkpoint.origin = std::string(lines[0]);
  if (!ParseTreeSize(lines[1], checkpoint.size))
    return MakeError(Errc::kMalformed, "checkpoint: tree size is not a canonical 64-bit decimal");
  auto root = Base64Decode(lines[2]);
  if (!root || root->size() != checkpoint.root_hash.size())
    return MakeError(Errc::kMalformed, "checkpoint: root hash is not base64 of 32 bytes");
  std::copy(root->begin(), root->end(), checkpoint.root_hash.begin());
  for (std::size_t i = 3; i < lines.size(); ++i) checkpoint.extensions.emplace_back(lines[i]);
  return checkpoint;
}

Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  if (!IsValidBodyLine(checkpoint.origin))
    return MakeError(Errc::kInvalidArgument, "checkpoint: invalid origin");
  for (const std::string& extension : checkpoint.extensions) {
    if (!IsValidBodyLine(extension))
      return MakeError(Errc::kInvalidArgument, "checkpoint: invalid extension line");
  }
  std::string out = checkpoint.origin;
  out += '\n';
  out += std::to_string(checkpoint.size);
  out += '\n';
  out += Base64Encode(checkpoint.root_hash);
  out += '\n';
  for (const std::string& extension : checkpoint.extensions) {
    out += extension;
    out += '\n';
  }
  return out;
}

Status ValidateLogOrigin(std::string_view origin) {
  if (origin.size() > kMaxLogOriginBytes)
    return MakeError(Errc::kInvalidArgument, "origin: longer than 255 bytes");
  if (!IsValidKeyName(origin))
    return MakeError(Errc::kInvalidArgument,
                     "origin: empty, not UTF-8, or holds a space, '+' or control character");
  return OkStatus();
}

Result<SignedCheckpoint> OpenCheckpoint(std::string_view note_bytes, std::string_view origin,
                                        const VerifierKey& log_key) {
  VIGIL_ASSIGN_OR_RETURN(Note note, ParseNote(note_bytes));
  const TrustedKey trusted[] = {{log_key, true}};
  VIGIL_RETURN_IF_ERROR(VerifyNote(note, trusted));
  VIGIL_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpoint(note.text));
  // Security: a valid signature by the same key over another log's checkpoint must not pass for
  // this log (one key may serve several origins).
  if (checkpoint.origin != origin)
    return MakeError(Errc::kUnauthenticated, "checkpoint: origin is not the expected log's");
  return SignedCheckpoint{std::move(checkpoint), std::move(note)};
}

}  // namespace vigil::translog

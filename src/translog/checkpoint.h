// C2SP tlog-checkpoint: the note text that states a log's origin, tree size and root hash, and
// the checks for opening one signed by a trusted log key.
// Format: docs/formats/log.md
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "crypto/sha256.h"
#include "translog/signed_note.h"

namespace vigil::translog {

// Longest origin Vigil gives its own log: ML-DSA-44 cosignatures encode the origin in at most
// 255 bytes, so a longer one could never be cosigned that way.
inline constexpr std::size_t kMaxLogOriginBytes = 255;

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  crypto::Sha256Digest root_hash{};     // RFC 6962 root of the first `size` entries
  std::vector<std::string> extensions;  // opaque extension lines, without their newlines

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// Parses a checkpoint body (a note text). Strict: fails with kMalformed unless `text` is a valid
// note text of at least three lines, all non-empty, where the second is the size in decimal with
// no sign and no leading zero that fits in 64 bits, and the third is the canonical padded base64
// of exactly 32 bytes. Any origin that is non-empty is accepted, as the spec requires of clients.
// Trust nothing parsed here until the note that carried it is verified (OpenCheckpoint).
Result<Checkpoint> ParseCheckpoint(std::string_view text);

// Encodes a checkpoint body; for a parsed checkpoint the result is the parsed text exactly.
// Fails with kInvalidArgument on an empty origin or extension line, or one that holds a newline,
// a control character or invalid UTF-8.
Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// The rules Vigil sets for the origin of its own logs, which is also the log key's name: a valid
// key name (so no spaces, no '+', no control characters) of at most kMaxLogOriginBytes bytes,
// e.g. `vigil.example.org/log`. Fails with kInvalidArgument. Other logs' origins are only held to
// ParseCheckpoint's rules.
Status ValidateLogOrigin(std::string_view origin);

// A checkpoint opened from a verified note.
struct SignedCheckpoint {
  Checkpoint checkpoint;
  Note note;  // all signature lines, including cosignatures and unknown keys
};

// Parses `note_bytes` as a signed note, verifies that `log_key` signed it (other lines are kept
// and ignored), parses the body as a checkpoint and checks its origin is `origin`.
// Fails with kMalformed when the note or body does not parse, kUnauthenticated when the log
// key's signature is missing or bad or the origin differs.
Result<SignedCheckpoint> OpenCheckpoint(std::string_view note_bytes, std::string_view origin,
                                        const VerifierKey& log_key);

}  // namespace vigil::translog

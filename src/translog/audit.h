// A full audit of a published log, trusting nothing but the log's public key: the checkpoint's
// signature, every entry re-hashed from the entry bundles, every hash tile rebuilt and compared,
// the root, and consistency with an older checkpoint. The first problem found is named.
// This is what `vigil log verify` runs. Format: docs/formats/log.md
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/error.h"
#include "translog/checkpoint.h"
#include "translog/signed_note.h"
#include "translog/tile_reader.h"

namespace vigil::translog {

struct AuditOptions {
  VerifierKey log_key;
  // A checkpoint (signed note) seen earlier: the log must extend it.
  std::optional<std::string> since;
  // Called for every entry in order, e.g. to check it against the blob store; an error stops
  // the audit and is reported with the entry's index.
  std::function<Status(std::uint64_t index, ByteSpan entry)> check_entry;
  // Called every 65536 entries with the count so far.
  std::function<void(std::uint64_t)> progress;
};

struct AuditReport {
  Checkpoint checkpoint;
  std::uint64_t tiles_checked = 0;
};

// Fails with kUnauthenticated (bad or missing signature; the log does not extend `since`),
// kCorrupt naming the first bad entry bundle, tile or root, kNotFound for a missing file, or
// the error of `check_entry`.
Result<AuditReport> AuditLog(const Fetch& fetch, const AuditOptions& options);

// Opens the checkpoint at `fetch("checkpoint")` with `log_key` (origin taken from the body,
// which the key must have signed).
Result<SignedCheckpoint> FetchCheckpoint(const Fetch& fetch, const VerifierKey& log_key);
Result<SignedCheckpoint> OpenCheckpointAnyOrigin(std::string_view note, const VerifierKey& log_key);

}  // namespace vigil::translog

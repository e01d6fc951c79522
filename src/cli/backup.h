// Backups (DESIGN.md section 5): the log up to its latest signed checkpoint, every blob those
// entries commit to, a snapshot of the SQLite index, the configuration and the log's verifier
// key, listed with their SHA-256 in a manifest. No private key is ever copied, so a backup is
// verified, and restored, with public information alone. Format: docs/formats/backup.md
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "crypto/age/x25519_recipient.h"
#include "translog/signed_note.h"

namespace vigil::cli {

struct BackupSummary {
  std::string origin;
  std::string log_key;  // the log's verifier key, as text
  std::uint64_t tree_size = 0;
  std::string root;  // base64, as in the checkpoint
  std::uint64_t blobs = 0;
  std::uint64_t files = 0;  // besides the manifest
  std::uint64_t bytes = 0;  // in those files
  std::string database;     // "sqlite" or "none"
};

// The log files a tree of `size` entries is read from (docs/formats/log.md): every entry bundle
// and hash tile, full or partial, as log paths ("tile/0/000"), without the checkpoint.
std::vector<std::string> LogFilesAt(std::uint64_t size);

// Writes a backup of the instance in `data_dir` to the new directory `out`, while vigild runs
// or not: the log's checkpoint is read first, and the backup holds the log at that size and the
// blobs its entries name. Files are written under `out`.partial, synced, and the directory is
// renamed to `out` last; a failure removes it. `log_key` is the log's verifier key; without it,
// the key is derived from keys/log.key. Fails with kAlreadyExists (`out` or `out`.partial
// exists), kUnauthenticated (the checkpoint is not signed by the key), kCorrupt (the instance's
// log or a blob does not match what the checkpoint commits to), kNotFound or kIo.
Result<BackupSummary> WriteBackup(const std::filesystem::path& data_dir,
                                  const std::filesystem::path& out,
                                  const std::optional<translog::VerifierKey>& log_key);

// Checks a backup with public information only: the manifest; every file against it, and no
// file it does not list; the log's files are exactly those of its checkpoint's size; the
// checkpoint's signature by `trusted` (when given; otherwise by the key the backup carries,
// which shows integrity but not origin); every entry against the tiles and the root; every
// entry's blob present with its hash and size; no blob that no entry names. Fails with
// kMalformed (the manifest), kUnauthenticated (signature, or a key other than `trusted`) or
// kCorrupt, naming the first file that does not match.
Result<BackupSummary> VerifyBackup(const std::filesystem::path& backup,
                                   const std::optional<translog::VerifierKey>& trusted);

struct RestoreOptions {
  std::filesystem::path backup;
  std::filesystem::path data_dir;  // must not exist, or be an empty directory
  // The instance's log signer key: the operator's own copy of keys/log.key. Without it the
  // restored directory verifies and can be read, but vigild does not start, and no index is
  // built (vigild builds it at its first start once keys/log.key is in place).
  std::optional<translog::SignerKey> log_key;
  // The log's verifier key the operator trusts; implied by `log_key`.
  std::optional<translog::VerifierKey> trusted;
  // The server key (keys/server.key, which opens the staff's TOTP seeds): the operator's own
  // copy; or, with `new_server_key`, a new one is made and staff enrol their second factor
  // again (DESIGN.md section 3). With neither, vigild does not start.
  std::optional<age::X25519Identity> server_key;
  bool new_server_key = false;
};

struct RestoreSummary {
  BackupSummary backup;
  bool indexed = false;  // the SQLite index was rebuilt (only with a log key)
  std::uint64_t entries_indexed = 0;
  bool onion = false;       // the configuration runs an onion service
  bool server_key = false;  // keys/server.key was written (the operator's copy, or a new one)
};

// Verifies the backup (VerifyBackup), then creates a data directory from it: log, blobs,
// keys/ (with log.key and server.key when given), vigil.conf (from the backup; `database` set to
// sqlite and `data_dir` to the directory itself) and, with a log key, a SQLite index rebuilt from
// the log (RebuildIndex). A failure removes what was created. Fails with kFailedPrecondition (the
// target is not empty), kInvalidArgument (the log key does not match `trusted`), the errors of
// VerifyBackup and RebuildIndex, or kIo.
Result<RestoreSummary> RestoreBackup(RestoreOptions options);

}  // namespace vigil::cli

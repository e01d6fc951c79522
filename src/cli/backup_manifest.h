// The manifest of a backup (the file MANIFEST at its root): the checkpoint the backup was taken
// at, what it holds, and the SHA-256 and size of every other file in it.
// Format: docs/formats/backup.md
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "crypto/sha256.h"

namespace vigil::cli {

inline constexpr std::string_view kManifestName = "MANIFEST";
// Bounds the memory a manifest can take: about seven million files.
inline constexpr std::size_t kMaxManifestBytes = std::size_t{1} << 30;

struct BackupFile {
  std::string path;  // relative to the backup's root (IsBackupPath)
  crypto::Sha256Digest sha256{};
  std::uint64_t size = 0;
};

struct BackupManifest {
  std::string origin;   // the log's origin
  std::string log_key;  // the log's verifier key, as text (checked by whoever trusts it)
  std::uint64_t tree_size = 0;
  crypto::Sha256Digest root{};    // the checkpoint's root hash
  std::string database;           // "sqlite" (database/vigil.db is present) or "none"
  std::uint64_t created = 0;      // POSIX seconds when the backup was taken
  std::uint64_t blobs = 0;        // files under blobs/
  std::vector<BackupFile> files;  // sorted by path (byte order), each path once
};

// True for a path the manifest may name: 1 to 4096 bytes of '/'-separated components, each of
// A-Z, a-z, 0-9, '.', '_' and '-', none empty, "." or "..", and not "MANIFEST" itself. Such a
// path cannot leave the backup's directory.
bool IsBackupPath(std::string_view path);

// Parses a manifest strictly: the fields in their order, canonical numbers and encodings, paths
// sorted and unique, a `files` count that matches. A manifest formats back to its exact text.
// Fails with kMalformed naming the line.
Result<BackupManifest> ParseBackupManifest(std::string_view text);

// The manifest's text. `m.files` must be sorted and unique (CHECKed).
std::string FormatBackupManifest(const BackupManifest& m);

}  // namespace vigil::cli

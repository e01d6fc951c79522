// Format: docs/formats/backup.md
#include "cli/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <set>

#include "base/base64.h"
#include "base/clock.h"
#include "base/hex.h"
#include "base/io.h"
#include "base/random.h"
#include "base/secret.h"
#include "cli/backup_manifest.h"
#include "cli/files.h"
#include "cli/instance.h"
#include "cli/key_files.h"
#include "crypto/sha256.h"
#include "server/config.h"
#include "server/onion.h"
#include "store/sqlite_backup.h"
#include "translog/audit.h"
#include "translog/entry.h"
#include "translog/log_directory.h"
#include "translog/tile_reader.h"
#include "translog/tiles.h"

namespace vigil::cli {
namespace fs = std::filesystem;
namespace {

using Digest = crypto::Sha256Digest;

// Permissions of what a copy creates.
struct Modes {
  mode_t file;
  mode_t dir;
};
// A backup holds the index and the configuration: readable by its owner only.
constexpr Modes kBackupModes{0600, 0700};
// In a restored data directory, as the appender and the blob store make them.
constexpr Modes kLogModes{0644, 0755};
constexpr Modes kBlobModes{0600, 0700};

Error IoError(const std::string& what, const fs::path& path) {
  return MakeError(Errc::kIo, what + " " + path.string() + ": " + std::strerror(errno));
}

Error Corrupt(std::string what) { return MakeError(Errc::kCorrupt, std::move(what)); }

bool IsZero(const Digest& d) {
  return std::all_of(d.begin(), d.end(), [](std::uint8_t b) { return b == 0; });
}

// "blobs/ab/cdef…": where a blob lives, in a data directory and in a backup alike.
std::string BlobPath(const Digest& digest) {
  std::string hex = HexEncode(digest);
  return "blobs/" + hex.substr(0, 2) + "/" + hex.substr(2);
}

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now; a failure here can be a delayed write error.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// Creates the directories above `relative` under `root`.
Status MakeParents(const fs::path& root, std::string_view relative, mode_t mode) {
  fs::path dir = root;
  for (std::size_t slash = relative.find('/'); slash != std::string_view::npos;
       slash = relative.find('/')) {
    dir /= std::string(relative.substr(0, slash));
    relative.remove_prefix(slash + 1);
    if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) return IoError("cannot create", dir);
  }
  return OkStatus();
}

// Hashes a stream to its end, writing it to `sink` when given.
Result<BackupFile> HashStream(std::string relative, Source& source, Sink* sink) {
  BackupFile file;
  file.path = std::move(relative);
  crypto::Sha256Hasher hasher;
  Bytes buffer(256 * 1024);
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, source.Read(buffer));
    if (n == 0) break;
    ByteSpan chunk(buffer.data(), n);
    hasher.Update(chunk);
    if (sink != nullptr) VIGIL_RETURN_IF_ERROR(sink->Write(chunk));
    file.size += n;
  }
  file.sha256 = hasher.Finish();
  return file;
}

// Writes `root`/`relative`, a new file (never one that exists), from `source`, and returns its
// hash and size. Not synced: the caller syncs the whole file system once (syncfs) before the
// result is named complete.
Result<BackupFile> WriteNewFile(const fs::path& root, const std::string& relative, Source& source,
                                Modes modes) {
  VIGIL_RETURN_IF_ERROR(MakeParents(root, relative, modes.dir));
  fs::path path = root / relative;
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, modes.file));
  if (fd.get() < 0) return IoError("cannot create", path);
  FdSink sink(fd.get());
  auto file = HashStream(relative, source, &sink);
  if (!file) return MakeError(file.error().code, path.string() + ": " + file.error().detail);
  if (fd.Close() != 0) return IoError("cannot write", path);
  return file;
}

// Opens a file to read; kNotFound when absent. Symbolic links are refused.
Result<std::unique_ptr<Fd>> OpenToRead(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return MakeError(Errc::kNotFound, path.string() + " is missing");
  if (fd < 0) return IoError("cannot open", path);
  return std::make_unique<Fd>(fd);
}

Result<BackupFile> CopyNewFile(const fs::path& from, const fs::path& root,
                               const std::string& relative, Modes modes) {
  VIGIL_ASSIGN_OR_RETURN(auto in, OpenToRead(from));
  FdSource source(in->get());
  return WriteNewFile(root, relative, source, modes);
}

Result<BackupFile> HashFile(const fs::path& root, const std::string& relative) {
  VIGIL_ASSIGN_OR_RETURN(auto in, OpenToRead(root / relative));
  FdSource source(in->get());
  return HashStream(relative, source, nullptr);
}

// One syncfs makes every file and directory written under `dir` durable (as the log's own
// writes, docs/formats/log.md), instead of one fsync per file.
Status SyncFileSystem(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("cannot open", dir);
  if (::syncfs(fd.get()) != 0) return IoError("cannot sync", dir);
  return OkStatus();
}

Status SyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("cannot open", dir);
  if (::fsync(fd.get()) != 0) return IoError("cannot sync", dir);
  return OkStatus();
}

// Removes a directory being written, unless told to keep it. `only_contents`: the directory
// existed (empty) before, so only what was created in it goes.
class RemoveOnFailure {
 public:
  RemoveOnFailure(fs::path dir, bool only_contents)
      : dir_(std::move(dir)), only_contents_(only_contents) {}
  ~RemoveOnFailure() {
    if (keep_) return;
    std::error_code ec;
    if (!only_contents_) {
      fs::remove_all(dir_, ec);
      return;
    }
    for (const auto& e : fs::directory_iterator(dir_, ec)) fs::remove_all(e.path(), ec);
  }
  RemoveOnFailure(const RemoveOnFailure&) = delete;
  RemoveOnFailure& operator=(const RemoveOnFailure&) = delete;
  void Keep() { keep_ = true; }

 private:
  fs::path dir_;
  bool only_contents_;
  bool keep_ = false;
};

// The entry bundles and hash tiles of a tree of `size` leaves, level by level.
std::vector<translog::TileCoordinates> LogTilesAt(std::uint64_t size) {
  using translog::kTileWidth;
  std::vector<translog::TileCoordinates> out;
  auto add_level = [&out](bool entries, unsigned level, std::uint64_t count) {
    for (std::uint64_t i = 0; i < count / kTileWidth; ++i)
      out.push_back({entries, level, i, kTileWidth});
    if (count % kTileWidth != 0)
      out.push_back({entries, level, count / kTileWidth, count % kTileWidth});
  };
  add_level(true, 0, size);
  // A level holds size / 256^level hashes; 256^8 = 2^64 is beyond any size.
  for (unsigned level = 0; level < 8 && (size >> (8 * level)) > 0; ++level)
    add_level(false, level, size >> (8 * level));
  return out;
}

std::string LogPathOf(const translog::TileCoordinates& t) {
  return t.entries ? translog::EntryBundlePath(t.index, t.width)
                   : translog::TilePath(t.level, t.index, t.width);
}

Result<BackupManifest> ReadManifest(const fs::path& backup) {
  fs::path path = backup / std::string(kManifestName);
  if (!fs::is_regular_file(path))
    return MakeError(Errc::kNotFound,
                     backup.string() + " is not a backup: it has no " + std::string(kManifestName));
  // Read at its size (ReadSmallFile would allocate the bound).
  VIGIL_ASSIGN_OR_RETURN(auto in, OpenToRead(path));
  struct stat st {};
  if (::fstat(in->get(), &st) != 0) return IoError("cannot stat", path);
  if (static_cast<std::uint64_t>(st.st_size) > kMaxManifestBytes)
    return MakeError(Errc::kMalformed, "MANIFEST is larger than 1 GiB");
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  FdSource source(in->get());
  VIGIL_ASSIGN_OR_RETURN(
      std::size_t n,
      ReadFull(source, MutableByteSpan(reinterpret_cast<std::uint8_t*>(text.data()), text.size())));
  if (n != text.size()) return MakeError(Errc::kIo, path.string() + " changed while read");
  return ParseBackupManifest(text);
}

// Every file in the backup is in the manifest, and every file in the manifest is there with its
// size and SHA-256.
Status CheckFiles(const fs::path& backup, const BackupManifest& m) {
  std::set<std::string_view> listed;
  for (const BackupFile& f : m.files) listed.insert(f.path);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(backup, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    fs::file_status status = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(status)) continue;
    std::string relative = it->path().lexically_relative(backup).generic_string();
    if (relative == kManifestName) continue;
    if (!fs::is_regular_file(status)) return Corrupt(relative + " is not a regular file");
    if (!listed.contains(relative)) return Corrupt(relative + " is not in the manifest");
  }
  if (ec) return MakeError(Errc::kIo, "cannot list " + backup.string() + ": " + ec.message());
  for (const BackupFile& f : m.files) {
    auto found = HashFile(backup, f.path);
    if (!found && found.error().code == Errc::kNotFound) return Corrupt(f.path + " is missing");
    if (!found) return found.error();
    if (found->size != f.size) return Corrupt(f.path + " does not match the manifest (size)");
    if (found->sha256 != f.sha256)
      return Corrupt(f.path + " does not match the manifest (SHA-256)");
  }
  return OkStatus();
}

// What the manifest lists is what a backup holds, and the log proves it: the log's files are
// exactly those of the checkpoint's size, the checkpoint is signed, every entry hashes into the
// root, every blob an entry names is listed with that hash and size, and no other blob is. The
// files' contents must already match the manifest (CheckFiles, or they were just written).
Result<BackupSummary> AuditBackup(const fs::path& backup, const BackupManifest& m,
                                  const std::optional<translog::VerifierKey>& trusted) {
  auto key = translog::ParseVerifierKey(m.log_key);
  if (!key) return MakeError(Errc::kMalformed, "MANIFEST: log-key is not a verifier key");
  if (trusted && !(*trusted == *key))
    return MakeError(Errc::kUnauthenticated, "the backup's log key " + m.log_key +
                                                 " is not the key you gave (" +
                                                 translog::FormatVerifierKey(*trusted) + ")");

  std::map<std::string_view, const BackupFile*> by_path;
  for (const BackupFile& f : m.files) by_path.emplace(f.path, &f);
  std::set<std::string> log_files{"log/checkpoint"};
  for (const auto& tile : LogTilesAt(m.tree_size)) log_files.insert("log/" + LogPathOf(tile));
  for (const BackupFile& f : m.files) {
    std::string_view p = f.path;
    if (p.starts_with("log/")) {
      if (!log_files.contains(f.path))
        return Corrupt(f.path + " is not a file of the log at its checkpoint's size");
    } else if (p.starts_with("blobs/")) {
      if (f.path != BlobPath(f.sha256)) return Corrupt(f.path + " is not named by its SHA-256");
    } else if (p != "vigil.conf" && p != "log.vkey" &&
               !(p == "database/vigil.db" && m.database == "sqlite")) {
      return Corrupt(f.path + " does not belong in a backup");
    }
  }
  for (const std::string& p : log_files)
    if (!by_path.contains(p)) return Corrupt(p + " is missing");
  for (const char* p : {"vigil.conf", "log.vkey"})
    if (!by_path.contains(p)) return Corrupt(std::string(p) + " is missing");
  if (m.database == "sqlite" && !by_path.contains("database/vigil.db"))
    return Corrupt("database/vigil.db is missing");

  VIGIL_ASSIGN_OR_RETURN(std::string vkey, ReadSmallFile((backup / "log.vkey").string(), 4096));
  if (vkey != m.log_key + "\n") return Corrupt("log.vkey does not hold the manifest's log-key");
  VIGIL_ASSIGN_OR_RETURN(std::string conf, ReadSmallFile((backup / "vigil.conf").string()));
  server::Config config;
  auto errors = server::ParseConfig("vigil.conf", conf, {}, backup, config);
  if (!errors.lines.empty()) return Corrupt(errors.lines.front());
  if (config.log_origin != m.origin) return Corrupt("vigil.conf names another log_origin");

  VIGIL_ASSIGN_OR_RETURN(translog::LogDirectory log, translog::LogDirectory::Open(backup / "log"));
  std::set<Digest> named;
  translog::AuditOptions options;
  options.log_key = *key;
  options.check_entry = [&](std::uint64_t, ByteSpan raw) -> Status {
    VIGIL_ASSIGN_OR_RETURN(translog::Entry entry, translog::DecodeEntry(raw));
    if (IsZero(entry.blob_sha256)) return OkStatus();
    std::string path = BlobPath(entry.blob_sha256);
    auto it = by_path.find(path);
    if (it == by_path.end()) return Corrupt("its blob " + path + " is missing");
    if (it->second->sha256 != entry.blob_sha256 || it->second->size != entry.blob_size)
      return Corrupt("its blob " + path + " does not match the entry");
    named.insert(entry.blob_sha256);
    return OkStatus();
  };
  auto fetch = [&log](const std::string& path) { return log.Read(path); };
  auto report = translog::AuditLog(fetch, options);
  if (!report) return MakeError(report.error().code, "log/: " + report.error().detail);
  const translog::Checkpoint& cp = report->checkpoint;
  if (cp.origin != m.origin || cp.size != m.tree_size || cp.root_hash != m.root)
    return Corrupt("MANIFEST does not match log/checkpoint (origin, tree-size or root)");
  if (named.size() != m.blobs) {
    for (const BackupFile& f : m.files)
      if (f.path.starts_with("blobs/") && !named.contains(f.sha256))
        return Corrupt(f.path + " is named by no entry of the log");
  }

  BackupSummary summary;
  summary.origin = m.origin;
  summary.log_key = m.log_key;
  summary.tree_size = m.tree_size;
  summary.root = Base64Encode(m.root);
  summary.blobs = m.blobs;
  summary.files = m.files.size();
  for (const BackupFile& f : m.files) summary.bytes += f.size;
  summary.database = m.database;
  return summary;
}

}  // namespace

std::vector<std::string> LogFilesAt(std::uint64_t size) {
  std::vector<std::string> out;
  for (const auto& tile : LogTilesAt(size)) out.push_back(LogPathOf(tile));
  return out;
}

Result<BackupSummary> WriteBackup(const fs::path& data_dir, const fs::path& out,
                                  const std::optional<translog::VerifierKey>& log_key) {
  VIGIL_ASSIGN_OR_RETURN(server::Config config, LoadInstanceConfig(data_dir));
  translog::VerifierKey key;
  if (log_key) {
    key = *log_key;
  } else {
    VIGIL_ASSIGN_OR_RETURN(translog::SignerKey signer,
                           LoadSignerKey((config.data_dir / "keys" / "log.key").string()));
    key = signer.verifier_key();
  }

  // The checkpoint first: the backup is the log at its size, whatever vigild appends meanwhile.
  // Every file that size needs was durable before the checkpoint was published, and none of
  // them changes afterwards (docs/formats/log.md).
  VIGIL_ASSIGN_OR_RETURN(translog::LogDirectory log,
                         translog::LogDirectory::Open(config.data_dir / "log"));
  VIGIL_ASSIGN_OR_RETURN(std::optional<Bytes> note, log.Read("checkpoint"));
  if (!note) return MakeError(Errc::kNotFound, "the instance's log has no checkpoint");
  auto opened = translog::OpenCheckpoint(AsChars(*note), config.log_origin, key);
  if (!opened)
    return MakeError(opened.error().code, "the instance's checkpoint: " + opened.error().detail);
  const translog::Checkpoint& cp = opened->checkpoint;

  fs::path target = fs::absolute(out).lexically_normal();
  fs::path partial = target.string() + ".partial";
  if (fs::exists(target)) return MakeError(Errc::kAlreadyExists, target.string() + " exists");
  if (::mkdir(partial.c_str(), kBackupModes.dir) != 0) {
    if (errno == EEXIST)
      return MakeError(Errc::kAlreadyExists,
                       partial.string() +
                           " exists: another backup is being written, or one was interrupted "
                           "(then remove it)");
    return IoError("cannot create", partial);
  }
  RemoveOnFailure cleanup(partial, false);

  BackupManifest manifest;
  manifest.origin = cp.origin;
  manifest.log_key = translog::FormatVerifierKey(key);
  manifest.tree_size = cp.size;
  manifest.root = cp.root_hash;
  manifest.created = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(SystemClock::Get().Now().time_since_epoch())
          .count());
  auto add = [&partial, &manifest](const std::string& relative, ByteSpan data) -> Status {
    MemorySource source(data);
    VIGIL_ASSIGN_OR_RETURN(BackupFile f, WriteNewFile(partial, relative, source, kBackupModes));
    manifest.files.push_back(std::move(f));
    return OkStatus();
  };

  // The log at the checkpoint's size, read as any client reads it, and the blobs its entries
  // name.
  VIGIL_RETURN_IF_ERROR(add("log/checkpoint", *note));
  translog::TileReader reader([&log](const std::string& path) { return log.Read(path); }, cp.size);
  std::map<Digest, std::uint64_t> blobs;
  for (const translog::TileCoordinates& tile : LogTilesAt(cp.size)) {
    Bytes data;
    if (tile.entries) {
      auto entries = reader.Bundle(tile.index);
      if (!entries) return Corrupt("the instance's log: " + entries.error().detail);
      for (std::size_t i = 0; i < entries->size(); ++i) {
        const Bytes& raw = (*entries)[i];
        translog::AppendToBundle(data, raw);
        std::uint64_t index = tile.index * translog::kTileWidth + i;
        auto entry = translog::DecodeEntry(raw);
        if (!entry)
          return Corrupt("the instance's log: entry " + std::to_string(index) +
                         " is not a Vigil entry");
        if (IsZero(entry->blob_sha256)) continue;
        auto [it, added] = blobs.emplace(entry->blob_sha256, entry->blob_size);
        if (!added && it->second != entry->blob_size)
          return Corrupt("the instance's log: entry " + std::to_string(index) +
                         " gives another size for blob " + HexEncode(entry->blob_sha256));
      }
    } else {
      auto hashes = reader.Tile(tile.level, tile.index);
      if (!hashes) return Corrupt("the instance's log: " + hashes.error().detail);
      data = translog::EncodeHashes(*hashes);
    }
    VIGIL_RETURN_IF_ERROR(add("log/" + LogPathOf(tile), data));
  }
  // Blobs are immutable and named by their hash; each is checked against its entry as it is
  // copied, so a backup never holds a blob other than the one the log commits to.
  for (const auto& [digest, size] : blobs) {
    std::string relative = BlobPath(digest);
    auto copied = CopyNewFile(config.data_dir / relative, partial, relative, kBackupModes);
    if (!copied && copied.error().code == Errc::kNotFound)
      return Corrupt("the instance's blob " + relative + " is missing");
    if (!copied) return copied.error();
    if (copied->sha256 != digest || copied->size != size)
      return Corrupt("the instance's blob " + relative +
                     " does not match its entry (see vigil log verify --blobs)");
    manifest.files.push_back(std::move(*copied));
  }
  manifest.blobs = blobs.size();

  // The index, as of a moment after the checkpoint. PostgreSQL's is left out: restore rebuilds
  // the index from the log in any case (docs/formats/backup.md).
  manifest.database = "none";
  if (config.database == "sqlite" && fs::exists(config.data_dir / "vigil.db")) {
    VIGIL_RETURN_IF_ERROR(MakeParents(partial, "database/vigil.db", kBackupModes.dir));
    fs::path copy = partial / "database" / "vigil.db";
    VIGIL_RETURN_IF_ERROR(store::CopySqliteDatabase(config.data_dir / "vigil.db", copy));
    if (::chmod(copy.c_str(), kBackupModes.file) != 0) return IoError("cannot chmod", copy);
    VIGIL_ASSIGN_OR_RETURN(BackupFile file, HashFile(partial, "database/vigil.db"));
    manifest.files.push_back(std::move(file));
    manifest.database = "sqlite";
  }

  // The configuration, without the database URI (it may carry a password), and the log's
  // public key. Security: T4, no private key enters a backup: keys/ is never read for copying.
  server::Config saved = config;
  saved.data_dir = ".";
  saved.database = "sqlite";
  VIGIL_RETURN_IF_ERROR(add("vigil.conf", AsBytes(server::FormatConfig(saved))));
  VIGIL_RETURN_IF_ERROR(add("log.vkey", AsBytes(manifest.log_key + "\n")));

  std::sort(manifest.files.begin(), manifest.files.end(),
            [](const BackupFile& a, const BackupFile& b) { return a.path < b.path; });
  {
    std::string text = FormatBackupManifest(manifest);
    MemorySource source(AsBytes(text));
    VIGIL_RETURN_IF_ERROR(WriteNewFile(partial, std::string(kManifestName), source, kBackupModes));
  }
  // What was written is checked as restore will check it, before it is named complete.
  VIGIL_ASSIGN_OR_RETURN(BackupSummary summary, AuditBackup(partial, manifest, key));
  VIGIL_RETURN_IF_ERROR(SyncFileSystem(partial));
  if (::rename(partial.c_str(), target.c_str()) != 0) return IoError("cannot rename to", target);
  cleanup.Keep();
  VIGIL_RETURN_IF_ERROR(SyncDirectory(target.parent_path()));
  return summary;
}

Result<BackupSummary> VerifyBackup(const fs::path& backup,
                                   const std::optional<translog::VerifierKey>& trusted) {
  VIGIL_ASSIGN_OR_RETURN(BackupManifest manifest, ReadManifest(backup));
  VIGIL_RETURN_IF_ERROR(CheckFiles(backup, manifest));
  return AuditBackup(backup, manifest, trusted);
}

Result<RestoreSummary> RestoreBackup(RestoreOptions options) {
  std::optional<translog::VerifierKey> trusted = options.trusted;
  if (options.log_key) {
    translog::VerifierKey own = options.log_key->verifier_key();
    if (trusted && !(*trusted == own))
      return MakeError(Errc::kInvalidArgument, "--key is not the verifier key of --log-key");
    trusted = own;
  }
  fs::path target = fs::absolute(options.data_dir).lexically_normal();
  std::error_code ec;
  const bool existed = fs::exists(target, ec);
  if (existed && (!fs::is_directory(target, ec) || !fs::is_empty(target, ec)))
    return MakeError(Errc::kFailedPrecondition,
                     target.string() + " is not empty: restore into a new or empty directory");

  VIGIL_ASSIGN_OR_RETURN(BackupManifest manifest, ReadManifest(options.backup));
  VIGIL_RETURN_IF_ERROR(CheckFiles(options.backup, manifest));
  RestoreSummary result;
  VIGIL_ASSIGN_OR_RETURN(result.backup, AuditBackup(options.backup, manifest, trusted));

  fs::create_directories(target, ec);
  if (ec) return MakeError(Errc::kIo, "cannot create " + target.string() + ": " + ec.message());
  RemoveOnFailure cleanup(target, existed);
  // Each file is checked again as it is copied: the backup may have changed since.
  for (const BackupFile& f : manifest.files) {
    bool is_log = f.path.starts_with("log/");
    if (!is_log && !f.path.starts_with("blobs/")) continue;
    VIGIL_ASSIGN_OR_RETURN(BackupFile copied, CopyNewFile(options.backup / f.path, target, f.path,
                                                          is_log ? kLogModes : kBlobModes));
    if (copied.size != f.size || copied.sha256 != f.sha256)
      return Corrupt(f.path + " changed while it was restored");
  }
  // Security: T4, the keys directory is readable by the service user only.
  if (::mkdir((target / "keys").c_str(), 0700) != 0)
    return IoError("cannot create", target / "keys");
  if (options.log_key) {
    VIGIL_ASSIGN_OR_RETURN(auto key_file,
                           OutputFile::Create((target / "keys" / "log.key").string(), 0600));
    SecretBytes key_text = translog::FormatSignerKey(*options.log_key);
    VIGIL_RETURN_IF_ERROR(key_file->sink().Write(key_text.span()));
    VIGIL_RETURN_IF_ERROR(key_file->sink().Write(AsBytes("\n")));
    VIGIL_RETURN_IF_ERROR(key_file->Commit());
  }
  if (options.new_server_key)
    options.server_key.emplace(age::X25519Identity::Generate(SystemRandom::Get()));
  if (options.server_key) {
    VIGIL_ASSIGN_OR_RETURN(auto key_file,
                           OutputFile::Create((target / "keys" / "server.key").string(), 0600));
    SecretBytes key_text = options.server_key->Encode();
    VIGIL_RETURN_IF_ERROR(key_file->sink().Write(key_text.span()));
    VIGIL_RETURN_IF_ERROR(key_file->sink().Write(AsBytes("\n")));
    VIGIL_RETURN_IF_ERROR(key_file->Commit());
    result.server_key = true;
  }
  VIGIL_ASSIGN_OR_RETURN(std::string conf, ReadSmallFile((options.backup / "vigil.conf").string()));
  server::Config config;
  auto errors = server::ParseConfig("vigil.conf", conf, {}, target, config);
  if (!errors.lines.empty()) return Corrupt(errors.lines.front());
  config.data_dir = ".";
  config.database = "sqlite";
  VIGIL_ASSIGN_OR_RETURN(auto conf_file,
                         OutputFile::Create((target / "vigil.conf").string(), 0600));
  VIGIL_RETURN_IF_ERROR(conf_file->sink().Write(AsBytes(server::FormatConfig(config))));
  VIGIL_RETURN_IF_ERROR(conf_file->Commit());
  result.onion = config.onion;
  // The onion service's keys are not in backups: the operator restores them (or the instance
  // gets a new address at its first start).
  if (config.onion) VIGIL_RETURN_IF_ERROR(server::CreateOnionDirectory(target));
  VIGIL_RETURN_IF_ERROR(SyncFileSystem(target));

  if (options.log_key) {
    config.data_dir = target;
    VIGIL_ASSIGN_OR_RETURN(RebuildResult rebuilt,
                           RebuildIndex(config, std::move(*options.log_key)));
    result.indexed = true;
    result.entries_indexed = rebuilt.entries;
  }
  cleanup.Keep();
  return result;
}

}  // namespace vigil::cli

// The content-addressed store of ciphertext blobs: `blobs/ab/cdef…` named by the SHA-256 of the
// bytes. A blob is written to a temporary file, synced, renamed and its directory synced before
// Commit returns: acknowledged means durable (DESIGN.md section 5). The store never sees
// plaintext: callers check blobs are age files before storing them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "base/io.h"
#include "crypto/sha256.h"
#include "store/group_sync.h"

namespace vigil::store {

using Digest = crypto::Sha256Digest;

// Parses 64 lower-case hex digits. kInvalidArgument otherwise (no path can be smuggled in).
Result<Digest> ParseDigest(std::string_view hex);

struct BlobStoreOptions {
  // Writes are refused with kResourceExhausted when they would leave less free space than this.
  std::uint64_t disk_reserve_bytes = 1ull << 30;
  // Clear temporaries left by a crash. Only the owner of the store (vigild, or a command that
  // holds the log's lock) may: a reader beside a running vigild would delete writes in flight.
  bool clear_temporaries = true;
};

class BlobStore;

// One blob being written. Not thread-safe. Destroying it without Commit removes the temporary.
class BlobWriter {
 public:
  ~BlobWriter();
  // Appends bytes. kResourceExhausted when the disk reserve would be crossed, kIo otherwise.
  Status Write(ByteSpan data);
  // Makes the blob durable under its digest (an existing identical blob is kept) and returns
  // the digest and size.
  Result<std::pair<Digest, std::uint64_t>> Commit();
  // Names the blob under its digest without syncing: the caller makes it durable with a later
  // sync of the same file system (syncfs) before anything refers to it. Until then a crash may
  // leave the name with partial content, which nothing refers to and a later write replaces.
  Result<std::pair<Digest, std::uint64_t>> CommitUnsynced();

 private:
  friend class BlobStore;
  BlobWriter(const BlobStore& store, int fd, std::filesystem::path temp);
  Result<std::pair<Digest, std::uint64_t>> Finish(bool sync);
  const BlobStore& store_;
  int fd_;
  std::filesystem::path temp_;
  crypto::Sha256Hasher hasher_;
  std::uint64_t size_ = 0;
  std::uint64_t since_space_check_ = 0;
  bool done_ = false;
};

// Thread-safe.
class BlobStore {
 public:
  // Opens (creating it if needed) the store under `root`. kIo on failure.
  static Result<std::unique_ptr<BlobStore>> Open(const std::filesystem::path& root,
                                                 BlobStoreOptions options = {});

  Result<std::unique_ptr<BlobWriter>> NewWriter() const;
  // A blob whose bytes are all in hand (a report, a reply, a record): written under its final
  // name at once, with no temporary and no rename, then made durable by the shared syncfs. A
  // crash before that sync may leave the name with partial content; nothing refers to it yet,
  // and the next Put of those bytes finds the mismatch and replaces the file.
  Result<std::pair<Digest, std::uint64_t>> Put(ByteSpan data) const;
  // Put without the sync, as BlobWriter::CommitUnsynced.
  Result<std::pair<Digest, std::uint64_t>> PutUnsynced(ByteSpan data) const;
  // The file system's device, to tell whether another directory's syncfs covers this store.
  Result<std::uint64_t> Device() const;

  bool Exists(const Digest& digest) const;
  // A stream over the blob's bytes; kNotFound when absent.
  Result<std::unique_ptr<Source>> Open(const Digest& digest) const;
  // kNotFound when absent.
  Status Remove(const Digest& digest) const;
  // Moves `file`, already synced and on this store's file system, into the store as blob
  // `digest`, which the caller computed over exactly the file's bytes, and makes the name durable:
  // a large finished upload becomes a blob without being copied. An existing blob of that digest
  // is replaced (same bytes). kFailedPrecondition when `file` is on another file system (copy it
  // through a BlobWriter instead), kIo otherwise.
  Status Adopt(const std::filesystem::path& file, const Digest& digest) const;
  std::filesystem::path PathOf(const Digest& digest) const;
  // Free bytes on the store's file system, less the reserve (0 when below it).
  Result<std::uint64_t> Available() const;

 private:
  friend class BlobWriter;
  Result<std::pair<Digest, std::uint64_t>> PutWhole(ByteSpan data, bool sync) const;
  BlobStore(std::filesystem::path root, BlobStoreOptions options, std::unique_ptr<GroupSync> sync)
      : root_(std::move(root)), options_(options), sync_(std::move(sync)) {}
  std::filesystem::path root_;
  BlobStoreOptions options_;
  std::unique_ptr<GroupSync> sync_;
};

}  // namespace vigil::store

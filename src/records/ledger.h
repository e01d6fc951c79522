// The ledger: the one path by which Vigil changes state. A change's blob is made durable in the
// blob store, its entry sequenced in the transparency log, then the database index is updated
// from the entry and the blob, in that order (DESIGN.md section 5, decision 0004), the last
// step alongside the log's final sync (decision 0013). Because the
// index is computed from the log and the blobs alone, the same appliers serve live requests,
// crash recovery (CatchUp) and `vigil rebuild` (an empty database caught up from index 0).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/error.h"
#include "records/record.h"
#include "store/blob_store.h"
#include "store/database.h"
#include "translog/appender.h"
#include "translog/entry.h"
#include "translog/log_directory.h"

namespace vigil::records {

// One state change to commit.
struct Change {
  translog::EntryType type = translog::EntryType::kReport;
  translog::ObjectId id{};
  translog::ActorId actor{};
  // The blob, exactly one of: bytes to store now (a record, or a small ciphertext), or a blob
  // already durable in the store (an upload), or none (a login, a deletion).
  Bytes blob;
  std::optional<std::pair<store::Digest, std::uint64_t>> stored;
};

// What an applier is given: the sequenced entry and, for types registered with records, the
// parsed record (payload included).
struct Applied {
  std::uint64_t index = 0;
  translog::Entry entry;
  const Record* record = nullptr;
  std::uint64_t payload_offset = 0;  // where the record's payload starts in its blob
};

// Updates the index for one entry. Appliers must be total: any entry the log holds applies
// (a conflict is settled by a fixed rule, first entry wins), and they fail only when the
// database does. They run inside the transaction that records the entry in `log_entries`.
using Applier = std::function<Status(store::Transaction&, const Applied&)>;

struct CommitResult {
  std::uint64_t first_index = 0;
  std::vector<translog::Entry> entries;
};

// Thread-safe once every applier is registered.
class Ledger {
 public:
  // All four must outlive the ledger.
  Ledger(const store::BlobStore& blobs, translog::Appender& log, store::Database& db,
         const Clock& clock);

  // Record blobs are then named without their own sync: the log's syncfs before it sequences
  // their entries makes them durable. Only when the blob store and the log are on one file
  // system (SameFileSystem); it removes two of the five durable steps of a change.
  void LetTheLogSyncBlobs() { log_syncs_blobs_ = true; }

  // Registers the applier of an entry type. `has_record`: the type's blob is a record, parsed
  // and handed to the applier. Types with no applier are only recorded in `log_entries`.
  void Register(translog::EntryType type, Applier applier, bool has_record);

  // Commits `changes` in order: stores their blobs (kResourceExhausted when the disk reserve is
  // reached), sequences their entries contiguously, and applies them in one database
  // transaction. A record blob that does not parse is kInvalidArgument before anything is
  // stored. The log's sequencer queues the index updates of each of its group commits to the
  // database together, so they commit together (decision 0011), as soon as the entries are in
  // place and while the log syncs their names (decision 0013); it returns once both are done.
  // When the database fails after sequencing, the entries are applied by the next CatchUp,
  // and the error (kUnavailable) is returned: the caller did not get an acknowledgement,
  // though nothing is lost.
  Result<CommitResult> Commit(std::vector<Change> changes);
  // Commits as Commit does, without waiting: it returns once the blobs are stored and the
  // entries queued. `done` is called exactly once with what Commit would return: on the log's
  // sequencer or the database's writer thread, whichever finishes last, or on this thread for a
  // change refused before anything was queued. It must be quick and must not commit.
  using CommitDone = std::function<void(Result<CommitResult>)>;
  void CommitThen(std::vector<Change> changes, CommitDone done);

  // Brings the log and the database level at start-up. First, entries of a batch that a crash
  // took from the log after the database had indexed them are appended to the log again, from
  // their `log_entries` rows (decision 0013). Then every entry of the log that the database
  // lacks is applied, reading entries from `dir` and blobs from the store. Returns how many
  // entries were restored or applied. Fails with kCorrupt when a blob is missing or does not
  // match its entry, or the database indexes entries the log cannot take back.
  Result<std::uint64_t> CatchUp(const translog::LogDirectory& dir);

 private:
  struct Pending;
  Result<std::uint64_t> RestoreEntriesTheLogLost();
  struct Registration {
    Applier applier;
    bool has_record = false;
  };
  Status ApplyOne(store::Transaction& t, const Applied& applied);

  const store::BlobStore& blobs_;
  translog::Appender& log_;
  store::Database& db_;
  const Clock& clock_;
  std::map<translog::EntryType, Registration> appliers_;
  bool log_syncs_blobs_ = false;
};

// True when both paths are on the same file system (one syncfs covers both).
Result<bool> SameFileSystem(const std::filesystem::path& a, const std::filesystem::path& b);

// The error of an applier that finds a record it cannot have written: "entry N: what".
Error Corrupt(const Applied& applied, std::string what);

// A record's decimal field (digits only, at most 18): nothing for anything else.
std::optional<std::int64_t> ParseDecimal(std::string_view text);

// Lower-case hex of an id, as ids appear in the database and the API.
std::string IdText(const translog::ObjectId& id);
// Parses 32 hex digits; kInvalidArgument otherwise.
Result<translog::ObjectId> ParseId(std::string_view text);

}  // namespace vigil::records

#include "records/ledger.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "base/hex.h"
#include "base/wait.h"
#include "crypto/sha256.h"
#include "translog/tile_reader.h"
#include "translog/tiles.h"

namespace vigil::records {
namespace {

using translog::Entry;
using translog::EntryType;

bool IsZero(ByteSpan bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::int64_t AsInt(std::uint64_t v) { return static_cast<std::int64_t>(v); }

// Reads a whole blob and checks it against the entry that commits to it.
Result<Bytes> ReadCommittedBlob(const store::BlobStore& blobs, const Entry& entry) {
  auto source = blobs.Open(entry.blob_sha256);
  if (!source)
    return MakeError(Errc::kCorrupt, "blob " + HexEncode(entry.blob_sha256) + " is missing");
  Bytes bytes;
  crypto::Sha256Hasher hasher;
  Bytes buffer(1 << 16);
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, (*source)->Read(buffer));
    if (n == 0) break;
    hasher.Update(ByteSpan(buffer.data(), n));
    bytes.insert(bytes.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
  }
  if (hasher.Finish() != entry.blob_sha256 || bytes.size() != entry.blob_size)
    return MakeError(Errc::kCorrupt, "blob " + HexEncode(entry.blob_sha256) + " does not match");
  return bytes;
}

// Runs one query in a read transaction of its own.
Result<std::vector<store::Row>> ReadRows(store::Database& db, std::string_view sql,
                                         const store::Params& params = {}) {
  std::vector<store::Row> rows;
  VIGIL_RETURN_IF_ERROR(db.Read([&](store::Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(rows, t.Query(sql, params));
    return OkStatus();
  }));
  return rows;
}

}  // namespace

std::string IdText(const translog::ObjectId& id) { return HexEncode(id); }

Result<bool> SameFileSystem(const std::filesystem::path& a, const std::filesystem::path& b) {
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0)
    return MakeError(Errc::kIo, "stat " + a.string() + " or " + b.string() + " failed");
  return sa.st_dev == sb.st_dev;
}

Result<translog::ObjectId> ParseId(std::string_view text) {
  translog::ObjectId id{};
  if (text.size() != 2 * id.size())
    return MakeError(Errc::kInvalidArgument, "an id is 32 hex digits");
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return MakeError(Errc::kInvalidArgument, "an id is 32 lower-case hex digits");
  VIGIL_ASSIGN_OR_RETURN(Bytes bytes, HexDecode(text));
  std::copy(bytes.begin(), bytes.end(), id.begin());
  return id;
}

Ledger::Ledger(const store::BlobStore& blobs, translog::Appender& log, store::Database& db,
               const Clock& clock)
    : blobs_(blobs), log_(log), db_(db), clock_(clock) {}

void Ledger::Register(EntryType type, Applier applier, bool has_record) {
  appliers_[type] = Registration{std::move(applier), has_record};
}

Status Ledger::ApplyOne(store::Transaction& t, const Applied& a) {
  const Entry& e = a.entry;
  Status inserted = t.Execute(
      "INSERT INTO log_entries (idx, type, object_id, sha256, size, hour, actor) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {AsInt(a.index), static_cast<std::int64_t>(e.type), IdText(e.object_id),
       Bytes(e.blob_sha256.begin(), e.blob_sha256.end()), AsInt(e.blob_size),
       static_cast<std::int64_t>(e.hour), HexEncode(e.actor)});
  // Already applied (a retry after a failed acknowledgement, or a second CatchUp): appliers run
  // exactly once per entry.
  if (!inserted && inserted.error().code == Errc::kAlreadyExists) return OkStatus();
  VIGIL_RETURN_IF_ERROR(inserted);
  auto it = appliers_.find(e.type);
  if (it == appliers_.end()) return OkStatus();
  return it->second.applier(t, a);
}

// One CommitThen between its call and its answer. Both the log's sequencer and the database's
// writer answer it; whichever answers last calls `done`.
struct Ledger::Pending {
  std::vector<std::optional<Record>> records;
  std::vector<std::uint64_t> payload_offsets;
  CommitResult result;
  CommitDone done;
  Status logged;
  Status indexed;
  bool placed = false;             // written on the sequencer thread before `logged`
  std::atomic<int> unanswered{2};  // the log, then the database (if the entries were placed)

  void Answer() {
    if (unanswered.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (!logged) return done(logged.error());
    if (!indexed)
      return done(MakeError(
          Errc::kUnavailable,
          "sequenced but not indexed (CatchUp will apply it): " + indexed.error().detail));
    done(std::move(result));
  }
};

Result<CommitResult> Ledger::Commit(std::vector<Change> changes) {
  return WaitFor<CommitResult>(
      [&](CommitDone done) { CommitThen(std::move(changes), std::move(done)); });
}

void Ledger::CommitThen(std::vector<Change> changes, CommitDone done) {
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  // Parse every record first: a change that cannot be indexed must not reach the log.
  pending->records.resize(changes.size());
  pending->payload_offsets.assign(changes.size(), 0);
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto it = appliers_.find(changes[i].type);
    if (it == appliers_.end() || !it->second.has_record) continue;
    if (changes[i].blob.empty())
      return pending->done(
          MakeError(Errc::kInvalidArgument, "a record-bearing change has no record"));
    auto header = ParseRecordHeader(changes[i].blob);
    if (!header) return pending->done(MakeError(Errc::kInvalidArgument, header.error().detail));
    pending->payload_offsets[i] = header->second;
    header->first.payload.assign(
        changes[i].blob.begin() + static_cast<std::ptrdiff_t>(header->second),
        changes[i].blob.end());
    pending->records[i] = std::move(header->first);
  }

  std::vector<Bytes> encoded;
  const std::uint32_t hour = translog::CoarseHour(clock_.Now());
  for (Change& change : changes) {
    Entry entry;
    entry.type = change.type;
    entry.object_id = change.id;
    entry.actor = change.actor;
    entry.hour = hour;
    if (change.stored) {
      entry.blob_sha256 = change.stored->first;
      entry.blob_size = change.stored->second;
    } else if (!change.blob.empty()) {
      // Acknowledged means durable (decision 0004). Unsynced only when the log's syncfs, which
      // runs after this rename and before the entry is sequenced, covers the blob too.
      auto put = log_syncs_blobs_ ? blobs_.PutUnsynced(change.blob) : blobs_.Put(change.blob);
      if (!put) return pending->done(put.error());
      entry.blob_sha256 = put->first;
      entry.blob_size = put->second;
    }
    encoded.push_back(translog::EncodeEntry(entry));
    pending->result.entries.push_back(entry);
  }

  // The log's sequencer queues the index update as soon as the entries are in place, all those
  // of one group commit together, and the database commits it while the log syncs their names
  // (decision 0013). Both answer `pending`; no thread waits for them.
  log_.AppendThen(
      std::move(encoded),
      [pending](Result<std::uint64_t> first, bool) {
        if (!first) pending->logged = first.error();
        // Entries that were never placed have no index update to wait for.
        if (!pending->placed) pending->unanswered.fetch_sub(1, std::memory_order_acq_rel);
        pending->Answer();
      },
      [this, pending](std::uint64_t first, bool last_of_batch) {
        pending->result.first_index = first;
        pending->placed = true;
        auto apply = [this, pending](store::Transaction& t) -> Status {
          const auto& entries = pending->result.entries;
          for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto& record = pending->records[i];
            Applied a{pending->result.first_index + i, entries[i], record ? &*record : nullptr,
                      pending->payload_offsets[i]};
            VIGIL_RETURN_IF_ERROR(ApplyOne(t, a));
          }
          return OkStatus();
        };
        db_.WriteAsync(
            std::move(apply),
            [pending](Status s) {
              pending->indexed = std::move(s);
              pending->Answer();
            },
            /*more_follow=*/!last_of_batch);
      });
}

Result<std::uint64_t> Ledger::RestoreEntriesTheLogLost() {
  const std::uint64_t size = log_.size();
  VIGIL_ASSIGN_OR_RETURN(auto rows,
                         ReadRows(db_,
                                  "SELECT idx, type, object_id, sha256, size, hour, actor FROM "
                                  "log_entries WHERE idx >= ? ORDER BY idx",
                                  {AsInt(size)}));
  if (rows.empty()) return 0;
  std::vector<Bytes> encoded;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const store::Row& row = rows[k];
    const auto idx = static_cast<std::uint64_t>(std::get<std::int64_t>(row.at(0)));
    // Only the last batch can be ahead (decision 0013), so the rows follow the log without a
    // gap. Anything else is not this crash's doing: the index must be rebuilt.
    if (idx != size + k)
      return MakeError(Errc::kCorrupt, "the database indexes entry " + std::to_string(idx) +
                                           " but the log ends at " + std::to_string(size + k) +
                                           " (vigil rebuild recreates the database from the log)");
    Entry e;
    e.type = static_cast<EntryType>(std::get<std::int64_t>(row.at(1)));
    VIGIL_ASSIGN_OR_RETURN(e.object_id, ParseId(std::get<std::string>(row.at(2))));
    const Bytes& sha = std::get<Bytes>(row.at(3));
    VIGIL_ASSIGN_OR_RETURN(Bytes actor, HexDecode(std::get<std::string>(row.at(6))));
    if (sha.size() != e.blob_sha256.size() || actor.size() != e.actor.size())
      return MakeError(Errc::kCorrupt, "log_entries row " + std::to_string(idx) + " is damaged");
    std::copy(sha.begin(), sha.end(), e.blob_sha256.begin());
    std::copy(actor.begin(), actor.end(), e.actor.begin());
    e.blob_size = static_cast<std::uint64_t>(std::get<std::int64_t>(row.at(4)));
    e.hour = static_cast<std::uint32_t>(std::get<std::int64_t>(row.at(5)));
    // Its blob was durable before the entry was placed; check rather than trust.
    if (!IsZero(e.blob_sha256) && !blobs_.Exists(e.blob_sha256))
      return MakeError(Errc::kCorrupt, "entry " + std::to_string(idx) + ": blob " +
                                           HexEncode(e.blob_sha256) + " is missing");
    encoded.push_back(translog::EncodeEntry(e));
  }
  VIGIL_ASSIGN_OR_RETURN(std::uint64_t first, log_.Append(std::move(encoded)));
  if (first != size)
    return MakeError(Errc::kInternal, "the log grew while its lost entries were restored");
  return rows.size();
}

Result<std::uint64_t> Ledger::CatchUp(const translog::LogDirectory& dir) {
  VIGIL_ASSIGN_OR_RETURN(const std::uint64_t restored, RestoreEntriesTheLogLost());
  const std::uint64_t size = log_.size();
  VIGIL_ASSIGN_OR_RETURN(auto counted, ReadRows(db_, "SELECT COUNT(*) FROM log_entries"));
  const std::int64_t count = std::get<std::int64_t>(counted.at(0).at(0));
  if (static_cast<std::uint64_t>(count) >= size) return restored;

  // The indexes the database holds, in pages; every gap below `size` is applied.
  std::vector<std::uint64_t> missing;
  std::uint64_t next = 0;
  while (next < size) {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows,
        ReadRows(db_, "SELECT idx FROM log_entries WHERE idx >= ? ORDER BY idx LIMIT 65536",
                 {AsInt(next)}));
    for (const auto& row : rows) {
      auto idx = static_cast<std::uint64_t>(std::get<std::int64_t>(row.at(0)));
      for (; next < std::min(idx, size); ++next) missing.push_back(next);
      next = idx + 1;
    }
    if (rows.size() < 65536) {
      for (; next < size; ++next) missing.push_back(next);
    }
  }

  translog::TileReader reader([&dir](const std::string& path) { return dir.Read(path); }, size);
  std::uint64_t applied = 0;
  constexpr std::size_t kBatch = 256;
  for (std::size_t start = 0; start < missing.size(); start += kBatch) {
    std::size_t end = std::min(missing.size(), start + kBatch);
    std::vector<Applied> batch;
    std::vector<Record> batch_records;
    batch_records.reserve(end - start);
    for (std::size_t k = start; k < end; ++k) {
      VIGIL_ASSIGN_OR_RETURN(Bytes raw, reader.Entry(missing[k]));
      VIGIL_ASSIGN_OR_RETURN(Entry entry, translog::DecodeEntry(raw));
      Applied a{missing[k], entry, nullptr, 0};
      auto it = appliers_.find(entry.type);
      bool has_blob = !IsZero(entry.blob_sha256);
      if (has_blob && it != appliers_.end() && it->second.has_record) {
        VIGIL_ASSIGN_OR_RETURN(Bytes blob, ReadCommittedBlob(blobs_, entry));
        auto record = ParseRecordHeader(blob);
        if (!record)
          return MakeError(Errc::kCorrupt,
                           "entry " + std::to_string(missing[k]) + ": its record does not parse");
        a.payload_offset = record->second;
        record->first.payload.assign(blob.begin() + static_cast<std::ptrdiff_t>(record->second),
                                     blob.end());
        batch_records.push_back(std::move(record->first));
        a.record = &batch_records.back();
      } else if (has_blob && !blobs_.Exists(entry.blob_sha256)) {
        return MakeError(Errc::kCorrupt, "entry " + std::to_string(missing[k]) + ": blob " +
                                             HexEncode(entry.blob_sha256) + " is missing");
      }
      batch.push_back(a);
    }
    Status written = db_.Write([&](store::Transaction& t) -> Status {
      for (const Applied& a : batch) VIGIL_RETURN_IF_ERROR(ApplyOne(t, a));
      return OkStatus();
    });
    VIGIL_RETURN_IF_ERROR(written);
    applied += batch.size();
  }
  return restored + applied;
}

Error Corrupt(const Applied& applied, std::string what) {
  return MakeError(Errc::kCorrupt, "entry " + std::to_string(applied.index) + ": " + what);
}

std::optional<std::int64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace vigil::records

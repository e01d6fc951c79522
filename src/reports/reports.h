// Reports and their threads: a reporter's report, their follow-ups and coordinators' replies,
// each an age file the server cannot read, with evidence attachments. Reporters reach their
// thread only through a lookup id derived from their passphrase; the server keeps a hash of it.
// Records: docs/formats/records.md ("report", "follow-up", "reply").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/random.h"
#include "records/ledger.h"
#include "store/blob_store.h"
#include "store/database.h"
#include "translog/entry.h"

namespace vigil::reports {

inline constexpr std::size_t kLookupIdSize = 32;

struct ReportsOptions {
  // A report and a follow-up go to the organisation and the reporter; a reply to the reporter
  // and the organisation, so that colleagues can read it too.
  std::size_t message_recipients = 2;
  std::size_t max_attachments = 32;
};

// An evidence file already durable in the blob store (a finished upload), to attach.
struct AttachmentBlob {
  translog::ObjectId id{};
  store::Digest sha256{};
  std::uint64_t size = 0;
};

struct NewReport {
  Bytes lookup_id;                 // 32 bytes derived from the reporter's passphrase
  std::string reporter_recipient;  // "age1…", derived from the same passphrase
  Bytes ciphertext;                // age, to the organisation and the reporter
  std::vector<AttachmentBlob> attachments;
};

struct NewMessage {
  Bytes ciphertext;
  std::vector<AttachmentBlob> attachments;
};

// What the user is told when a change is durable: ids and the log index of the message's entry.
struct Acknowledgement {
  std::string report_id;
  std::string message_id;
  std::uint64_t log_index = 0;
  std::vector<std::pair<std::string, std::uint64_t>> attachments;  // id, log index
};

struct AttachmentInfo {
  std::string id;
  std::uint64_t size = 0;
  std::uint64_t log_index = 0;
};

struct MessageInfo {
  std::string id;
  std::string kind;        // "report", "follow_up" or "reply"
  std::string author;      // "reporter", or the pseudonymous id of the staff member
  std::uint64_t size = 0;  // of the age file
  std::uint64_t log_index = 0;
  std::uint32_t created_hour = 0;
  std::vector<AttachmentInfo> attachments;
};

struct ReportSummary {
  std::string id;
  std::uint32_t created_hour = 0;
  std::uint32_t updated_hour = 0;
  std::uint64_t log_index = 0;
  std::int64_t messages = 0;
};

// The cursor of the page of Reports::List that follows `last`.
std::string ListCursor(const ReportSummary& last);

struct ReportView {
  ReportSummary summary;
  std::string reporter_recipient;
  std::vector<MessageInfo> messages;
};

// Where a ciphertext lies: in blob `sha256` from `offset`, `size` bytes.
struct Location {
  store::Digest sha256{};
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// Reads the ciphertext at `where` into memory: kResourceExhausted above `max_size` bytes,
// kCorrupt when the blob is shorter than the location says.
Result<Bytes> ReadCiphertext(const store::BlobStore& blobs, const Location& where,
                             std::uint64_t max_size = 64u << 20);

// Thread-safe. Errors: kInvalidArgument (bad ids, recipients, too many attachments),
// kMalformed (a ciphertext that is not age), kAlreadyExists (the lookup id has a report),
// kNotFound, and whatever the ledger returns.
class Reports {
 public:
  // Registers the appliers of reports, follow-ups, replies and attachments with `ledger`.
  Reports(records::Ledger& ledger, store::Database& db, Random& random,
          ReportsOptions options = {});

  // What Submit, AddFollowUp and AddReply check before they store anything. The API runs them
  // before it claims the request's uploads (with the attachments still empty), so that a
  // request refused for its ciphertext, lookup id or report leaves the uploads unclaimed for
  // the client's next try.
  Status CheckReport(const NewReport& report) const;
  Status CheckFollowUp(ByteSpan lookup_id, const NewMessage& message) const;
  Status CheckReply(std::string_view report_id, const NewMessage& message) const;

  Result<Acknowledgement> Submit(const NewReport& report);
  // A reporter's follow-up, found by lookup id.
  Result<Acknowledgement> AddFollowUp(ByteSpan lookup_id, const NewMessage& message);
  // A staff member's reply.
  Result<Acknowledgement> AddReply(std::string_view report_id, const translog::ActorId& staff,
                                   const NewMessage& message);

  // The same three without waiting for the commit: each checks and stores its blobs, then
  // returns, and `done` is called once with what the waiting form returns, as Ledger::CommitThen
  // calls its own (on a log or database thread; quick; no commit from it).
  using AckDone = std::function<void(Result<Acknowledgement>)>;
  void SubmitThen(const NewReport& report, AckDone done);
  void AddFollowUpThen(ByteSpan lookup_id, const NewMessage& message, AckDone done);
  void AddReplyThen(std::string_view report_id, const translog::ActorId& staff,
                    const NewMessage& message, AckDone done);

  // Deletes a report (an administrator's decision, such as a report filed in error or a
  // request by the reporter): a `deletion` record and log entry, after which the report is gone
  // from the index and the API. Its ciphertexts stay in the blob store, as in every mirror and
  // backup: the log must keep verifying, and nobody can read them without the keys. Returns the
  // entry's log index; kNotFound for an unknown or already deleted report.
  Result<std::uint64_t> Delete(std::string_view report_id, const translog::ActorId& by);

  Result<ReportView> FindByLookup(ByteSpan lookup_id) const;
  Result<ReportView> Get(std::string_view report_id) const;
  // Reports most recently updated first (the latest report first within an hour), `limit` at
  // most, after `after`: empty for the first page, else the ListCursor of the last report of
  // the page before.
  Result<std::vector<ReportSummary>> List(std::string_view after, std::size_t limit) const;

  // The age file of a message or an attachment of report `report_id`: kNotFound unless it
  // belongs to that report.
  Result<Location> LocateMessage(std::string_view report_id, std::string_view message_id) const;
  Result<Location> LocateAttachment(std::string_view report_id,
                                    std::string_view attachment_id) const;

  // The report id that a lookup id reaches, or kNotFound.
  Result<std::string> ReportIdOf(ByteSpan lookup_id) const;

 private:
  void CommitMessage(translog::EntryType type, Bytes record, const translog::ObjectId& id,
                     const translog::ActorId& actor, const std::vector<AttachmentBlob>& attachments,
                     std::string report_id, AckDone done);
  Status CheckMessage(ByteSpan ciphertext, const std::vector<AttachmentBlob>& attachments) const;
  translog::ObjectId NewId();

  records::Ledger& ledger_;
  store::Database& db_;
  Random& random_;
  ReportsOptions options_;
};

// The hash the server keeps of a lookup id: SHA-256("vigil lookup v1\n" || lookup id).
store::Digest HashLookupId(ByteSpan lookup_id);

}  // namespace vigil::reports

// Protection cases (issue 7) as the server keeps them: opaque. A case is a chain of revisions,
// each an age file to the organisation key that only coordinators' browsers open
// (docs/formats/cases.md); the server sees a random case id, each revision's size, hour and
// author (a pseudonymous staff id), and the case's custody events. It checks that a revision is
// age addressed to the organisation alone, numbers revisions without gaps, and refuses a
// revision made from a stale one, so that two coordinators never silently overwrite each other.
// Records: docs/formats/records.md ("case-revision", "case-custody").
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/random.h"
#include "records/ledger.h"
#include "reports/reports.h"
#include "store/database.h"

namespace vigil::cases {

struct CasesOptions {
  std::size_t revision_recipients = 1;  // the organisation key
};

struct CaseSummary {
  std::string id;
  std::int64_t revisions = 0;
  std::uint32_t created_hour = 0;
  std::uint32_t updated_hour = 0;
  std::uint64_t log_index = 0;  // of the first revision
  std::uint64_t latest_log_index = 0;
  reports::Location latest;  // the latest revision's age file
};

// One custody event of a case: a revision stored, or an export made. Together they say who
// changed or took the case when, each with the log entry that proves it.
struct CaseEvent {
  std::uint64_t log_index = 0;
  std::string kind;           // "revision" or "export"
  std::int64_t revision = 0;  // the revision stored, or the revision exported
  std::string detail;         // for an export: the SHA-256 of its manifest
  std::uint32_t hour = 0;
  std::string author;  // pseudonymous staff id (hex)
  std::uint64_t size = 0;
  reports::Location where;  // a revision's age file
};

struct CaseAck {
  std::string case_id;
  std::int64_t revision = 0;
  std::uint64_t log_index = 0;
};

// Thread-safe. Errors: kMalformed / kInvalidArgument (not age to one X25519 recipient, a bad
// id or digest), kNotFound, kFailedPrecondition (the base revision is not the latest), and
// whatever the ledger returns.
class Cases {
 public:
  // Registers the appliers of case revisions and custody events with `ledger`.
  Cases(records::Ledger& ledger, store::Database& db, Random& random, CasesOptions options = {});

  // A new case: its revision 1. `case_id`, when not empty, is the id the browser chose and
  // wrote into the document (32 hex digits): kAlreadyExists when a case has it. Empty: the
  // server draws one.
  Result<CaseAck> Create(ByteSpan ciphertext, const translog::ActorId& by,
                         std::string_view case_id = {});
  // Revision base + 1 of a case whose latest revision is `base`.
  Result<CaseAck> Revise(std::string_view case_id, std::int64_t base, ByteSpan ciphertext,
                         const translog::ActorId& by);
  // Records that a coordinator exported revision `revision` as a package whose manifest has
  // SHA-256 `manifest_sha256` (64 hex digits). The log entry dates the package.
  Result<CaseAck> RecordExport(std::string_view case_id, std::int64_t revision,
                               std::string_view manifest_sha256, const translog::ActorId& by);

  // Cases most recently updated first, `limit` at most, after the cursor of an earlier page
  // ("<updated_hour>.<id>", empty for the first).
  Result<std::vector<CaseSummary>> List(std::string_view after, std::size_t limit) const;
  Result<CaseSummary> Get(std::string_view case_id) const;
  // The custody log: every event of the case, in log order.
  Result<std::vector<CaseEvent>> Events(std::string_view case_id) const;
  // Where revision `revision` lies (0: the latest).
  Result<CaseEvent> Revision(std::string_view case_id, std::int64_t revision) const;

 private:
  Result<CaseAck> Commit(const translog::ObjectId& case_id, std::int64_t revision,
                         ByteSpan ciphertext, const translog::ActorId& by);

  records::Ledger& ledger_;
  store::Database& db_;
  Random& random_;
  CasesOptions options_;
  // Held from reading the latest revision to committing the next, so that two revisions made
  // from the same base cannot both be acknowledged.
  std::mutex revise_mutex_;
};

}  // namespace vigil::cases

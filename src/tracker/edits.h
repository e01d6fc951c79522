// Editors' changes to the tracker: each a record (public, not encrypted: the tracker is public
// data) and a log entry of type tracker_edit, indexed for the public change history. The
// current data are the compiled-in baseline with every edit applied in log order, so the log
// alone says how every value came to be. Records: docs/formats/records.md, "tracker-edit".
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "base/random.h"
#include "records/ledger.h"
#include "store/database.h"
#include "tracker/tracker.h"

namespace vigil::tracker {

struct EditView {
  std::string id;
  std::uint64_t log_index = 0;
  std::uint32_t hour = 0;
  std::string editor;  // the pseudonymous actor id
  TrackerEdit edit;
};

// Thread-safe.
class TrackerEdits {
 public:
  // `baseline` must outlive the object.
  TrackerEdits(records::Ledger& ledger, store::Database& db, Random& random,
               const TrackerData& baseline);

  // Checks the edit against the current data and commits it. kInvalidArgument from ApplyEdit.
  Result<EditView> Commit(const TrackerEdit& edit, const translog::ActorId& editor);
  // Edits in log order, after log index `after` (0: from the start), of one State or all.
  Result<std::vector<EditView>> History(std::string_view iso3, std::uint64_t after,
                                        std::size_t limit) const;
  // The baseline with every edit applied.
  Result<TrackerData> Current() const;

 private:
  records::Ledger& ledger_;
  store::Database& db_;
  Random& random_;
  const TrackerData& baseline_;
  std::mutex commit_mutex_;  // an edit is checked against the data it will apply to
};

}  // namespace vigil::tracker

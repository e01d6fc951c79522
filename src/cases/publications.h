// Published statistics (issue 7, "Statistics"): a coordinator's aggregate table, checked by
// CheckPublishable, stored as a public record and log entry of type statistics, so that anyone
// can verify it was published, unaltered, at that time (its receipt). Document format:
// docs/formats/statistics.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "cases/statistics.h"
#include "records/ledger.h"
#include "store/database.h"

namespace vigil::cases {

struct StatisticsDocument {
  std::string title;
  std::vector<std::string> rows, columns;  // labels
  PublishedTable table;
};

// Parses the JSON document of docs/formats/statistics.md. kInvalidArgument naming the problem.
Result<StatisticsDocument> ParseStatistics(std::string_view json_text);
// The canonical JSON of a document (what is stored and signed).
std::string FormatStatistics(const StatisticsDocument& document);

struct Publication {
  std::string id;
  std::uint64_t log_index = 0;
  std::uint32_t hour = 0;
  std::string title;
  std::string document;  // canonical JSON
};

// Thread-safe.
class Publications {
 public:
  // `minimum_k`, when set, is the instance's small-cell threshold (the instance setting
  // statistics_min_cell), read at each publication; a document with a smaller k is refused.
  Publications(records::Ledger& ledger, store::Database& db, Random& random,
               std::function<std::int64_t()> minimum_k = {});
  // Checks (CheckPublishable, and k against the instance's threshold) and publishes.
  // kInvalidArgument when it would reveal a small count or k is below the threshold.
  Result<Publication> Publish(const StatisticsDocument& document, const translog::ActorId& by);
  Result<std::vector<Publication>> List() const;  // newest first, without documents
  Result<Publication> Get(std::string_view id) const;

 private:
  records::Ledger& ledger_;
  store::Database& db_;
  Random& random_;
  std::function<std::int64_t()> minimum_k_;
};

}  // namespace vigil::cases

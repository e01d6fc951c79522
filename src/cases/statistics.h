// Safe aggregate statistics (issue 7, "Statistics"): a table of counts (for example incident
// type by month) published only with small cells suppressed, so that no published figure, nor
// any combination of them with the table's margins, reveals a count between 1 and k-1 (a few
// identifiable people). Coordinators compute the counts in the browser from decrypted cases;
// the server runs the same check before it records and signs a publication.
// Rules: docs/formats/statistics.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace vigil::cases {

inline constexpr std::int64_t kDefaultMinimumCount = 5;

// Raw counts: cells[r][c], with the row, column and grand totals they imply.
struct CountTable {
  std::vector<std::vector<std::int64_t>> cells;
};

// One published figure: a number, or suppressed (nullopt). `primary` tells a cell hidden because
// it is small ("fewer than k") from one hidden to protect another.
struct PublishedCell {
  std::optional<std::int64_t> value;
  bool primary = false;
};

struct PublishedTable {
  std::int64_t k = kDefaultMinimumCount;
  std::vector<std::vector<PublishedCell>> cells;
  std::vector<PublishedCell> row_totals;
  std::vector<PublishedCell> column_totals;
  PublishedCell total;
};

// Suppresses `counts` for publication with threshold `k` (at least 2): primary suppression of
// every figure from 1 to k-1 (cells and margins), then complementary suppression until no row
// or column has exactly one hidden figure among its cells and its total (a lone hidden figure
// is its total minus the others). kInvalidArgument for a ragged table, a negative count or
// k < 2.
Result<PublishedTable> Suppress(const CountTable& counts, std::int64_t k);

// Checks a table someone wants published, without the raw counts: every shown figure is 0 or at
// least k; no row or column (its cells and total) has exactly one hidden figure; shown figures
// agree with shown totals. kInvalidArgument naming the first problem.
Status CheckPublishable(const PublishedTable& table);

}  // namespace vigil::cases

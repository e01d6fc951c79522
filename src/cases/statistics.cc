// Rules: docs/formats/statistics.md.
#include "cases/statistics.h"

namespace vigil::cases {
namespace {

// A line of the table: pointers to its cells and its total, so rows and columns (and the line
// of margins: column totals with the grand total) are handled alike.
struct Line {
  std::vector<PublishedCell*> cells;
  PublishedCell* total;
  std::string name;
};

std::vector<Line> Lines(PublishedTable& t) {
  std::vector<Line> lines;
  const std::size_t rows = t.cells.size();
  const std::size_t columns = rows ? t.cells[0].size() : 0;
  for (std::size_t r = 0; r < rows; ++r) {
    Line line{{}, &t.row_totals[r], "row " + std::to_string(r + 1)};
    for (auto& c : t.cells[r]) line.cells.push_back(&c);
    lines.push_back(std::move(line));
  }
  for (std::size_t c = 0; c < columns; ++c) {
    Line line{{}, &t.column_totals[c], "column " + std::to_string(c + 1)};
    for (std::size_t r = 0; r < rows; ++r) line.cells.push_back(&t.cells[r][c]);
    lines.push_back(std::move(line));
  }
  // The margins themselves: row totals add up to the grand total, and so do column totals.
  Line row_margin{{}, &t.total, "row totals"};
  for (auto& c : t.row_totals) row_margin.cells.push_back(&c);
  lines.push_back(std::move(row_margin));
  Line column_margin{{}, &t.total, "column totals"};
  for (auto& c : t.column_totals) column_margin.cells.push_back(&c);
  lines.push_back(std::move(column_margin));
  return lines;
}

std::size_t Hidden(const Line& line) {
  std::size_t n = !line.total->value.has_value();
  for (const auto* c : line.cells) n += !c->value.has_value();
  return n;
}

PublishedCell Primary(std::int64_t count, std::int64_t k) {
  if (count > 0 && count < k) return {std::nullopt, true};
  return {count, false};
}

}  // namespace

Result<PublishedTable> Suppress(const CountTable& counts, std::int64_t k) {
  if (k < 2) return MakeError(Errc::kInvalidArgument, "k must be at least 2");
  const std::size_t rows = counts.cells.size();
  const std::size_t columns = rows ? counts.cells[0].size() : 0;
  if (rows == 0 || columns == 0) return MakeError(Errc::kInvalidArgument, "an empty table");
  PublishedTable t;
  t.k = k;
  std::vector<std::int64_t> row_sums(rows, 0), column_sums(columns, 0);
  std::int64_t total = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    if (counts.cells[r].size() != columns)
      return MakeError(Errc::kInvalidArgument, "row " + std::to_string(r + 1) + " is ragged");
    std::vector<PublishedCell> row;
    for (std::size_t c = 0; c < columns; ++c) {
      std::int64_t v = counts.cells[r][c];
      if (v < 0 || v > (1ll << 40)) return MakeError(Errc::kInvalidArgument, "a count out of range");
      row.push_back(Primary(v, k));
      row_sums[r] += v;
      column_sums[c] += v;
      total += v;
    }
    t.cells.push_back(std::move(row));
  }
  for (auto v : row_sums) t.row_totals.push_back(Primary(v, k));
  for (auto v : column_sums) t.column_totals.push_back(Primary(v, k));
  t.total = Primary(total, k);

  // Complementary suppression to a fixed point. In a line with one hidden figure, hide the
  // smallest other non-zero shown cell (it costs the least information; a zero only when
  // nothing else is shown), else the line's total. Each step hides one more figure, so this ends.
  for (bool changed = true; changed;) {
    changed = false;
    for (Line& line : Lines(t)) {
      if (Hidden(line) != 1) continue;
      PublishedCell* pick = nullptr;
      for (PublishedCell* c : line.cells) {
        if (!c->value) continue;
        if (pick == nullptr) {
          pick = c;
        } else if (*pick->value == 0 ? *c->value > 0 : *c->value > 0 && *c->value < *pick->value) {
          pick = c;
        }
      }
      if (pick == nullptr) pick = line.total;
      pick->value.reset();
      changed = true;
    }
  }
  return t;
}

Status CheckPublishable(const PublishedTable& table) {
  if (table.k < 2) return MakeError(Errc::kInvalidArgument, "k must be at least 2");
  const std::size_t rows = table.cells.size();
  const std::size_t columns = rows ? table.cells[0].size() : 0;
  if (rows == 0 || columns == 0 || table.row_totals.size() != rows ||
      table.column_totals.size() != columns)
    return MakeError(Errc::kInvalidArgument, "the table's shape does not match its totals");
  for (const auto& row : table.cells)
    if (row.size() != columns) return MakeError(Errc::kInvalidArgument, "a ragged row");
  PublishedTable copy = table;
  for (const Line& line : Lines(copy)) {
    std::vector<const PublishedCell*> all(line.cells.begin(), line.cells.end());
    all.push_back(line.total);
    std::int64_t shown_sum = 0;
    for (const auto* c : all) {
      if (c->value && (*c->value < 0 || (*c->value > 0 && *c->value < table.k)))
        return MakeError(Errc::kInvalidArgument,
                         line.name + ": a figure between 1 and k-1 is shown");
    }
    for (const auto* c : line.cells) shown_sum += c->value.value_or(0);
    if (Hidden(line) == 1)
      return MakeError(Errc::kInvalidArgument,
                       line.name + ": one hidden figure can be worked out from the others");
    if (line.total->value) {
      bool any_hidden = Hidden(line) > 0;
      if ((!any_hidden && shown_sum != *line.total->value) ||
          (any_hidden && shown_sum > *line.total->value))
        return MakeError(Errc::kInvalidArgument, line.name + ": figures do not add up");
    }
  }
  return OkStatus();
}

}  // namespace vigil::cases

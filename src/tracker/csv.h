// CSV as RFC 4180 writes it: a header row, comma-separated fields, fields in double quotes when
// they hold a comma, a quote (doubled) or a line break, lines ending in CRLF (LF alone is
// accepted too). Used for the tracker's data files and their import and export.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace vigil::tracker {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each the header's width
  std::vector<std::size_t> lines;              // the line each row starts on (1 = the header)

  // The column of `name`, or header.size() when absent.
  std::size_t Column(std::string_view name) const;
};

struct CsvLimits {
  std::size_t max_bytes = 8 << 20;
  std::size_t max_rows = 100'000;
  std::size_t max_columns = 64;
};

// kInvalidArgument naming the line: an unterminated or misplaced quote, a row of another width
// than the header, a repeated or empty header name, invalid UTF-8, or a limit passed.
Result<CsvTable> ParseCsv(std::string_view text, const CsvLimits& limits = {});

// One row as a CSV line with CRLF, quoting only the fields that need it.
std::string FormatCsvRow(const std::vector<std::string>& fields);

}  // namespace vigil::tracker

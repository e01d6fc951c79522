// Fuzzes the tracker's CSV parser (src/tracker/csv.h). Properties: no crash; every row has the
// header's width; formatting a parsed table and parsing it again gives the same table.
#include <cstdlib>
#include <string_view>

#include "tracker/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = vigil::tracker::ParseCsv(text);
  if (!table) return 0;
  std::string again = vigil::tracker::FormatCsvRow(table->header);
  for (const auto& row : table->rows) {
    if (row.size() != table->header.size()) std::abort();
    again += vigil::tracker::FormatCsvRow(row);
  }
  auto reparsed = vigil::tracker::ParseCsv(again);
  if (!reparsed || reparsed->header != table->header || reparsed->rows != table->rows) std::abort();
  return 0;
}

#include "tracker/csv.h"

#include <set>

namespace vigil::tracker {
namespace {

Error At(std::size_t line, std::string what) {
  return MakeError(Errc::kInvalidArgument, "line " + std::to_string(line) + ": " + what);
}

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool IsUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    std::uint32_t cp = 0, least = 0;
    if ((c & 0xe0) == 0xc0) {
      extra = 1, cp = c & 0x1f, least = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, cp = c & 0x0f, least = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, cp = c & 0x07, least = 0x10000;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace

std::size_t CsvTable::Column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return header.size();
}

Result<CsvTable> ParseCsv(std::string_view text, const CsvLimits& limits) {
  if (text.size() > limits.max_bytes) return MakeError(Errc::kInvalidArgument, "file too large");
  if (!IsUtf8(text)) return MakeError(Errc::kInvalidArgument, "not UTF-8");
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte-order mark
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> starts;
  std::size_t line = 1, i = 0;
  while (i < text.size()) {
    std::vector<std::string> fields;
    starts.push_back(line);
    for (;;) {  // one field
      std::string field;
      if (i < text.size() && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= text.size()) return At(starts.back(), "unterminated quoted field");
          char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              field.push_back('"');
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
          return At(line, "text after a closing quote");
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"') return At(line, "a quote inside an unquoted field");
          field.push_back(text[i++]);
        }
      }
      fields.push_back(std::move(field));
      if (fields.size() > limits.max_columns) return At(line, "too many columns");
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size()) {
      if (text[i] != '\n') return At(line, "a carriage return without a line feed");
      ++i;
    }
    ++line;
    records.push_back(std::move(fields));
    if (records.size() > limits.max_rows + 1)
      return MakeError(Errc::kInvalidArgument, "too many rows");
  }
  if (records.empty()) return MakeError(Errc::kInvalidArgument, "no header row");
  CsvTable table;
  table.header = std::move(records[0]);
  std::set<std::string> names;
  for (const auto& name : table.header)
    if (name.empty() || !names.insert(name).second)
      return At(1, "empty or repeated column name '" + name + "'");
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.header.size())
      return At(starts[r], std::to_string(records[r].size()) + " fields, the header has " +
                               std::to_string(table.header.size()));
    table.rows.push_back(std::move(records[r]));
    table.lines.push_back(starts[r]);
  }
  return table;
}

std::string FormatCsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    const std::string& f = fields[i];
    // A leading byte-order mark is quoted too, or the first field of a file would lose it.
    if (f.find_first_of(",\"\r\n") == std::string::npos && !f.starts_with("\xEF\xBB\xBF")) {
      out += f;
      continue;
    }
    out.push_back('"');
    for (char c : f) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out + "\r\n";
}

}  // namespace vigil::tracker

// Format: docs/formats/records.md
#include "records/record.h"

#include "base/check.h"

namespace vigil::records {
namespace {

Error Malformed(std::string detail) { return MakeError(Errc::kMalformed, std::move(detail)); }

}  // namespace

std::string_view Record::type() const {
  return fields.empty() ? std::string_view() : std::string_view(fields.front().second);
}

Result<std::string_view> Record::One(std::string_view key) const {
  VIGIL_ASSIGN_OR_RETURN(std::string_view value, Optional(key));
  if (value.empty())
    return MakeError(Errc::kInvalidArgument, "record has no " + std::string(key) + " field");
  return value;
}

Result<std::string_view> Record::Optional(std::string_view key) const {
  std::string_view found;
  bool seen = false;
  for (const auto& [k, v] : fields) {
    if (k != key) continue;
    if (seen)
      return MakeError(Errc::kInvalidArgument, "record repeats the " + std::string(key) + " field");
    seen = true;
    found = v;
  }
  return found;
}

std::vector<std::string_view> Record::All(std::string_view key) const {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : fields)
    if (k == key) out.push_back(v);
  return out;
}

bool IsValidKey(std::string_view key) {
  if (key.empty() || key.size() > 32) return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

bool IsValidValue(std::string_view value, const RecordLimits& limits) {
  if (value.empty() || value.size() > limits.max_value_bytes) return false;
  if (value.front() == ' ' || value.back() == ' ') return false;
  for (char c : value)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

RecordBuilder::RecordBuilder(std::string_view type) {
  header_.append(kRecordMagic).push_back('\n');
  Add("type", type);
}

RecordBuilder& RecordBuilder::Add(std::string_view key, std::string_view value) {
  CHECK(IsValidKey(key));
  CHECK(IsValidValue(value));
  header_.append(key).append(" ").append(value).push_back('\n');
  return *this;
}

Bytes RecordBuilder::Finish(ByteSpan payload) const {
  Bytes out(header_.begin(), header_.end());
  out.push_back('\n');
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Result<std::pair<Record, std::size_t>> ParseRecordHeader(ByteSpan prefix,
                                                         const RecordLimits& limits) {
  std::string_view text(reinterpret_cast<const char*>(prefix.data()),
                        std::min(prefix.size(), limits.max_header_bytes));
  Record record;
  std::size_t pos = 0;
  bool magic_seen = false;
  while (true) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos)
      return Malformed("record header is unterminated or too long");
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!magic_seen) {
      if (line != kRecordMagic) return Malformed("not a vigil record");
      magic_seen = true;
      continue;
    }
    if (line.empty()) break;
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos) return Malformed("record line without a value");
    std::string_view key = line.substr(0, space);
    std::string_view value = line.substr(space + 1);
    if (!IsValidKey(key) || !IsValidValue(value, limits)) return Malformed("bad record line");
    if (record.fields.empty() != (key == "type")) return Malformed("record type is not first");
    if (record.fields.size() == limits.max_fields) return Malformed("record has too many fields");
    record.fields.emplace_back(std::string(key), std::string(value));
  }
  if (record.fields.empty()) return Malformed("record has no type");
  return std::make_pair(std::move(record), pos);
}

Result<Record> ParseRecord(ByteSpan bytes, const RecordLimits& limits) {
  VIGIL_ASSIGN_OR_RETURN(auto parsed, ParseRecordHeader(bytes, limits));
  parsed.first.payload.assign(bytes.begin() + static_cast<std::ptrdiff_t>(parsed.second),
                              bytes.end());
  return std::move(parsed.first);
}

}  // namespace vigil::records

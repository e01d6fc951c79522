// A record: the stored form of one state change (a report, a reply, an account, a key rotation),
// the blob a log entry commits to. A short text header of `key value` lines, then an empty line,
// then an optional payload (an age file). Everything the database holds about the change can be
// read back from its record, which is what lets `vigil rebuild` recreate the database.
// Format: docs/formats/records.md
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil::records {

inline constexpr std::string_view kRecordMagic = "vigil-record/v1";

struct RecordLimits {
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_fields = 1024;
  std::size_t max_value_bytes = 4096;
};

// One parsed record. `fields` keeps the header's order (the first is always "type"); `payload`
// is everything after the empty line, possibly empty.
struct Record {
  std::vector<std::pair<std::string, std::string>> fields;
  Bytes payload;

  // The record's type (the value of the first field).
  std::string_view type() const;
  // The value of the only field named `key`: kInvalidArgument when absent or repeated.
  Result<std::string_view> One(std::string_view key) const;
  // The value of an optional field: empty when absent, kInvalidArgument when repeated.
  Result<std::string_view> Optional(std::string_view key) const;
  // Every value of a repeatable field, in order.
  std::vector<std::string_view> All(std::string_view key) const;
};

// Builds a record's bytes field by field, in the order the caller adds them. Keys must be
// valid (lower-case letters, digits and '-', 1 to 32 bytes) and values printable ASCII without
// leading or trailing spaces; a bad one is a programming error (CHECK), never input.
class RecordBuilder {
 public:
  explicit RecordBuilder(std::string_view type);
  RecordBuilder& Add(std::string_view key, std::string_view value);
  // The header and an optional payload.
  Bytes Finish(ByteSpan payload = {}) const;

 private:
  std::string header_;
};

// True when `key` / `value` may appear in a record header.
bool IsValidKey(std::string_view key);
bool IsValidValue(std::string_view value, const RecordLimits& limits = {});

// Parses a whole record. kMalformed on any deviation from the format (no magic line, a bad
// line, a missing empty line, a limit crossed); the payload is not interpreted.
Result<Record> ParseRecord(ByteSpan bytes, const RecordLimits& limits = {});

// Parses only the header of a record whose first bytes are `prefix` (at least the header and
// the empty line); returns the record without payload and the payload's offset.
Result<std::pair<Record, std::size_t>> ParseRecordHeader(ByteSpan prefix,
                                                         const RecordLimits& limits = {});

}  // namespace vigil::records

// Fuzzes the record parser (docs/formats/records.md). Properties: a record that parses rebuilds
// to exactly its input bytes with RecordBuilder, and the header-only parse agrees with it.
#include <cstdlib>

#include "records/record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::records;
  vigil::ByteSpan input(data, size);
  auto record = ParseRecord(input);
  auto header = ParseRecordHeader(input);
  if (record.has_value() != header.has_value()) std::abort();
  if (!record) return 0;
  RecordBuilder builder(record->type());
  for (std::size_t i = 1; i < record->fields.size(); ++i)
    builder.Add(record->fields[i].first, record->fields[i].second);
  vigil::Bytes again = builder.Finish(record->payload);
  if (again != vigil::Bytes(data, data + size)) std::abort();
  if (header->second + record->payload.size() != size) std::abort();
  return 0;
}

// Conversions between database values and the C++ types of index rows, shared by the modules
// that keep an index (reports, accounts). Rows come from our own schema, so a wrong variant is a
// bug (every column read here has the type its migration declares).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/database.h"

namespace vigil::store {

inline std::int64_t I64(std::uint64_t v) { return static_cast<std::int64_t>(v); }
inline std::uint64_t U64(const Value& v) {
  return static_cast<std::uint64_t>(std::get<std::int64_t>(v));
}
inline std::uint32_t U32(const Value& v) {
  return static_cast<std::uint32_t>(std::get<std::int64_t>(v));
}
inline const std::string& Str(const Value& v) { return std::get<std::string>(v); }
inline Bytes BytesOf(const Value& v) { return std::get<Bytes>(v); }
inline bool IsNull(const Value& v) { return std::holds_alternative<std::nullptr_t>(v); }
inline Bytes Blob(ByteSpan b) { return Bytes(b.begin(), b.end()); }

}  // namespace vigil::store

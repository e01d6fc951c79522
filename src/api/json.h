// Strict JSON request decoding for the API: a body is one object, fields have the expected
// types, and a field the contract does not name is refused (docs/api/openapi.yaml). Boost.JSON
// without exceptions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil::api {

// Reads the fields of one JSON object. Every error is kInvalidArgument with a detail that
// names the field.
class JsonObject {
 public:
  // Parses `text` as one JSON object (depth at most 8) and refuses keys not in `allowed`.
  static Result<JsonObject> Parse(std::string_view text,
                                  std::initializer_list<std::string_view> allowed);

  Result<std::string_view> String(std::string_view key) const;
  // An optional string: empty when absent.
  Result<std::string_view> OptionalString(std::string_view key) const;
  // A string of standard padded base64, decoded.
  Result<Bytes> Base64(std::string_view key) const;
  // A string of lower-case hex of exactly `bytes` bytes, decoded.
  Result<Bytes> Hex(std::string_view key, std::size_t bytes) const;
  // An optional array of strings (empty when absent), at most `max` of them.
  Result<std::vector<std::string>> OptionalStrings(std::string_view key, std::size_t max) const;
  // An integer from `min` to `max`.
  Result<std::int64_t> Integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  // A required array of 1 to `max` objects, each with only the `allowed` keys.
  Result<std::vector<JsonObject>> Objects(std::string_view key, std::size_t max,
                                          std::initializer_list<std::string_view> allowed) const;

 private:
  explicit JsonObject(boost::json::object object) : object_(std::move(object)) {}
  static Result<JsonObject> Checked(const boost::json::object& object,
                                    std::initializer_list<std::string_view> allowed);
  boost::json::object object_;
};

}  // namespace vigil::api

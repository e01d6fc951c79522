#include "api/json.h"

#include <boost/json/parse.hpp>

#include "base/base64.h"
#include "base/hex.h"

namespace vigil::api {
namespace {

Error Invalid(std::string_view key, std::string_view what) {
  return MakeError(Errc::kInvalidArgument, "field " + std::string(key) + ": " + std::string(what));
}

}  // namespace

Result<JsonObject> JsonObject::Parse(std::string_view text,
                                     std::initializer_list<std::string_view> allowed) {
  boost::json::parse_options options;
  options.max_depth = 8;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec, {}, options);
  if (ec) return MakeError(Errc::kInvalidArgument, "the body is not JSON: " + ec.message());
  boost::json::object* object = value.if_object();
  if (!object) return MakeError(Errc::kInvalidArgument, "the body is not a JSON object");
  return Checked(*object, allowed);
}

Result<JsonObject> JsonObject::Checked(const boost::json::object& object,
                                       std::initializer_list<std::string_view> allowed) {
  for (const auto& field : object) {
    bool known = false;
    for (std::string_view name : allowed) known = known || field.key() == name;
    if (!known) return Invalid(field.key(), "unknown field");
  }
  return JsonObject(object);
}

Result<std::string_view> JsonObject::OptionalString(std::string_view key) const {
  const boost::json::value* v = object_.if_contains(key);
  if (!v) return std::string_view();
  const boost::json::string* s = v->if_string();
  if (!s) return Invalid(key, "not a string");
  return std::string_view(*s);
}

Result<std::string_view> JsonObject::String(std::string_view key) const {
  VIGIL_ASSIGN_OR_RETURN(std::string_view s, OptionalString(key));
  if (s.empty()) return Invalid(key, "missing or empty");
  return s;
}

Result<Bytes> JsonObject::Base64(std::string_view key) const {
  VIGIL_ASSIGN_OR_RETURN(std::string_view s, String(key));
  auto bytes = Base64Decode(s);
  if (!bytes) return Invalid(key, "not base64");
  return std::move(*bytes);
}

Result<Bytes> JsonObject::Hex(std::string_view key, std::size_t bytes) const {
  VIGIL_ASSIGN_OR_RETURN(std::string_view s, String(key));
  if (s.size() != 2 * bytes) return Invalid(key, "wrong length");
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return Invalid(key, "not hex");
  auto decoded = HexDecode(s);
  if (!decoded) return Invalid(key, "not hex");
  return std::move(*decoded);
}

Result<std::vector<std::string>> JsonObject::OptionalStrings(std::string_view key,
                                                             std::size_t max) const {
  std::vector<std::string> out;
  const boost::json::value* v = object_.if_contains(key);
  if (!v) return out;
  const boost::json::array* array = v->if_array();
  if (!array) return Invalid(key, "not an array");
  if (array->size() > max) return Invalid(key, "too many items");
  for (const auto& item : *array) {
    const boost::json::string* s = item.if_string();
    if (!s) return Invalid(key, "an item is not a string");
    out.emplace_back(*s);
  }
  return out;
}

Result<std::int64_t> JsonObject::Integer(std::string_view key, std::int64_t min,
                                         std::int64_t max) const {
  const boost::json::value* v = object_.if_contains(key);
  if (!v) return Invalid(key, "missing");
  const std::int64_t* i = v->if_int64();
  if (!i) return Invalid(key, "not an integer");
  if (*i < min || *i > max) return Invalid(key, "out of range");
  return *i;
}

Result<std::vector<JsonObject>> JsonObject::Objects(
    std::string_view key, std::size_t max, std::initializer_list<std::string_view> allowed) const {
  const boost::json::value* v = object_.if_contains(key);
  if (!v) return Invalid(key, "missing");
  const boost::json::array* array = v->if_array();
  if (!array) return Invalid(key, "not an array");
  if (array->empty() || array->size() > max) return Invalid(key, "wrong number of items");
  std::vector<JsonObject> out;
  for (const auto& item : *array) {
    const boost::json::object* object = item.if_object();
    if (!object) return Invalid(key, "an item is not an object");
    VIGIL_ASSIGN_OR_RETURN(JsonObject checked, Checked(*object, allowed));
    out.push_back(std::move(checked));
  }
  return out;
}

}  // namespace vigil::api

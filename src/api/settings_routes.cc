#include "api/settings_routes.h"

#include <boost/json.hpp>

#include "api/account_routes.h"
#include "api/responses.h"

namespace vigil::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpStatus;
using http::RequestContext;
using http::Response;
using settings::SettingKind;
using settings::SettingValue;

constexpr std::size_t kMaxKeyInError = 64;

json::value ToJson(const SettingValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return json::string(std::get<std::string>(v));
}

std::string_view KindName(SettingKind kind) {
  switch (kind) {
    case SettingKind::kInteger:
      return "integer";
    case SettingKind::kBoolean:
      return "boolean";
    case SettingKind::kText:
      return "text";
  }
  return "";
}

json::object ViewJson(const settings::SettingsView& view) {
  json::array list;
  for (const settings::SettingState& s : view.settings) {
    json::object o{{"key", s.spec->key},
                   {"type", KindName(s.spec->kind)},
                   {"value", ToJson(s.value)},
                   {"default", ToJson(s.file_value)},
                   {"source", s.from_log ? "log" : "file"}};
    if (s.spec->kind == SettingKind::kInteger) {
      o["min"] = s.spec->min;
      o["max"] = s.spec->max;
      o["unit"] = s.spec->unit;
    } else if (s.spec->kind == SettingKind::kText) {
      o["max_length"] = s.spec->max;
      o["max_lines"] = s.spec->max_lines;
    }
    if (s.from_log) {
      o["log_index"] = s.log_index;
      o["hour"] = s.hour;
    }
    list.push_back(std::move(o));
  }
  return json::object{{"version", view.version}, {"settings", std::move(list)}};
}

// 400 naming the setting (a known key, or an unknown one of a plausible form) and its bound.
Response SettingError(const settings::SettingProblem& problem, std::string_view rid) {
  bool plausible =
      !problem.key.empty() && problem.key.size() <= kMaxKeyInError &&
      problem.key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
  bool unknown = problem.code == "unknown_setting";
  json::object error{{"code", problem.code},
                     {"message", unknown ? "This setting does not exist or cannot be changed here."
                                         : "A value is outside what the setting allows."}};
  if (plausible) error["setting"] = problem.key;
  if (!unknown) error["bound"] = problem.bound;
  Response r = Response::Json(
      json::serialize(json::object{{"error", std::move(error)}, {"request_id", rid}}),
      HttpStatus::bad_request);
  return r;
}

Response BadRequest(std::string_view rid) {
  return ErrorResponse(MakeError(Errc::kInvalidArgument, "settings body"), rid);
}

// Reads a PATCH body: {"version": n, "<key>": value, …}. A value of the wrong JSON type is an
// invalid_setting; its bound says what the setting takes.
Response Change(const SettingsRouteDeps& d, const accounts::Principal& who, const std::string& text,
                const std::string& rid) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 2;
  json::value body = json::parse(text, ec, {}, options);
  if (ec || !body.is_object()) return BadRequest(rid);
  const json::value* version = body.as_object().if_contains("version");
  if (!version || !(version->is_int64() || version->is_uint64()) ||
      (version->is_int64() && version->as_int64() < 0))
    return BadRequest(rid);
  std::uint64_t expected =
      version->is_int64() ? static_cast<std::uint64_t>(version->as_int64()) : version->as_uint64();
  std::vector<std::pair<std::string, SettingValue>> changes;
  for (const auto& field : body.as_object()) {
    if (field.key() == "version") continue;
    std::string key(field.key());
    const settings::SettingSpec* spec = settings::FindSpec(key);
    if (!spec) return SettingError({key, "unknown_setting", ""}, rid);
    std::optional<SettingValue> value;
    const json::value& v = field.value();
    if (spec->kind == SettingKind::kBoolean && v.is_bool()) value = v.as_bool();
    if (spec->kind == SettingKind::kInteger && v.is_int64()) value = v.as_int64();
    if (spec->kind == SettingKind::kText && v.is_string()) value = std::string(v.as_string());
    if (!value) return SettingError({key, "invalid_setting", settings::BoundText(*spec)}, rid);
    if (auto problem = settings::CheckSetting(key, *value)) return SettingError(*problem, rid);
    changes.emplace_back(std::move(key), std::move(*value));
  }
  auto changed = d.settings->Change(changes, expected, who.actor);
  if (!changed && changed.error().code == Errc::kFailedPrecondition)
    return Response::Error(HttpStatus::conflict, "settings_conflict",
                           "Another administrator changed the settings; reload them.");
  if (!changed) return ErrorResponse(changed.error(), rid);
  auto view = d.settings->Describe();
  if (!view) return ErrorResponse(view.error(), rid);
  json::object out = ViewJson(*view);
  json::array keys;
  for (const std::string& k : changed->changed) keys.push_back(json::string(k));
  out["changed"] = std::move(keys);
  return Response::Json(json::serialize(out));
}

// A free function: GCC 12 warns falsely that Asio's coroutine frame is freed by a mismatched
// operator delete (see form_routes.cc); silenced here alone.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<Response> Handle(std::shared_ptr<const SettingsRouteDeps> d, RequestContext& ctx,
                                 bool patch) {
  std::string rid = ctx.request_id();
  auto who = RequestPrincipal(*d->accounts, ctx);
  if (!who) co_return ErrorResponse(who.error(), rid);
  if (who->role != accounts::Role::kAdmin)
    co_return ErrorResponse(MakeError(Errc::kPermissionDenied, "settings: administrators"), rid);
  std::string text;
  if (patch) {
    auto body = co_await ctx.ReadBody();
    if (!body) co_return ErrorResponse(body.error(), rid);
    text = std::move(*body);
  }
  auto work = [d, rid, patch, who = *who, text = std::move(text)]() {
    if (patch) return Change(*d, who, text, rid);
    auto view = d->settings->Describe();
    if (!view) return ErrorResponse(view.error(), rid);
    return Response::Json(json::serialize(ViewJson(*view)));
  };
  co_return co_await Offload(*d->pool, std::move(work));
}
#pragma GCC diagnostic pop

}  // namespace

void AddSettingsRoutes(http::Server& server, SettingsRouteDeps deps) {
  auto d = std::make_shared<const SettingsRouteDeps>(deps);
  server.Route(http::Verb::get, "/v1/settings",
               [d](RequestContext& ctx) { return Handle(d, ctx, false); });
  server.Route(http::Verb::patch, "/v1/settings",
               [d](RequestContext& ctx) { return Handle(d, ctx, true); });
}

}  // namespace vigil::api

#include "api/tracker_routes.h"

#include <algorithm>
#include <boost/json.hpp>

#include "api/account_routes.h"
#include "api/json.h"
#include "api/responses.h"
#include "http/request_parts.h"

namespace vigil::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpStatus;
using http::RequestContext;
using http::Response;

json::value FactJson(const tracker::Fact& f) {
  return json::object{{"value", f.known() ? json::value(f.value) : json::value(nullptr)},
                      {"known", f.known()},
                      {"derived", f.known() && f.derived},
                      {"source", f.source}};
}

json::object NamesJson(const tracker::StateRecord& s) {
  json::object names;
  for (const auto& [lang, name] : s.names)
    if (!name.empty()) names[lang] = name;
  return names;
}

// APIC: "party" when listed; otherwise "unknown", never "not a party" (the list is incomplete).
json::object ApicJson(const tracker::StateRecord& s) {
  if (!s.apic_listed) return json::object{{"status", "unknown"}};
  return json::object{{"status", "party"},
                      {"signature", FactJson(s.apic_signature)},
                      {"ratification", FactJson(s.apic_ratification)},
                      {"notes", s.apic_notes}};
}

json::object SummaryJson(const tracker::StateRecord& s) {
  json::array statements;
  for (const auto& id : s.statements) statements.push_back(json::string(id));
  return json::object{
      {"iso3", s.iso3},
      {"names", NamesJson(s)},
      {"region", s.region.empty() ? json::value(nullptr) : json::value(s.region)},
      {"rome_statute", json::object{{"status", s.status},
                                    {"ratification", FactJson(s.ratification)},
                                    {"entry_into_force", FactJson(s.entry_into_force)},
                                    {"withdrawal_effective", FactJson(s.withdrawal_effective)}}},
      {"apic", ApicJson(s)},
      {"statements", std::move(statements)},
      // The tracker's table shows these two columns, so the list carries them too.
      {"blocking_measures", FactJson(s.blocking_measures)},
      {"non_cooperation_findings", FactJson(s.non_cooperation_findings)}};
}

// A State with everything the data say of it: the summary, its sources, notes and editors' facts.
json::object DetailJson(const tracker::StateRecord& s) {
  json::object out = SummaryJson(s);
  out["source"] = s.source;
  out["notes"] = s.notes;
  out["editor_notes"] = FactJson(s.editor_notes);
  return out;
}

json::object HeadlineJson(const tracker::TrackerData& data) {
  tracker::Headline h = data.Counts();
  return json::object{
      {"states_parties", h.states_parties},
      {"ratification_dates_known", h.ratification_dates_known},
      {"apic",
       json::object{{"listed", h.apic_listed},
                    {"reported_total", h.apic_reported_total},
                    {"reported_total_is_approximate", true},
                    {"dates_read", h.apic_dates_read},
                    {"dates_derived", h.apic_dates_derived},
                    {"dates_unknown", h.apic_listed - h.apic_dates_read - h.apic_dates_derived},
                    {"listed_and_party_to_statute", h.apic_parties_party_to_statute}}}};
}

json::array StatementsJson(const tracker::TrackerData& data) {
  json::array out;
  for (const auto& s : data.statements)
    out.push_back(json::object{
        {"id", s.id},
        {"date", s.date},
        {"title", s.title},
        {"summary", s.summary},
        {"source", s.url},
        {"listed_signatories", s.listed_signatories},
        {"reported_signatories",
         s.reported_signatories ? json::value(*s.reported_signatories) : json::value(nullptr)}});
  return out;
}

// The State's events in date order; those with an unknown date come last, with a null date.
json::array TimelineJson(const tracker::TrackerData& data, const tracker::StateRecord& s) {
  struct Event {
    std::string event;
    const tracker::Fact* fact;
    std::string date_override;
    std::string source;
  };
  std::vector<Event> events;
  if (s.status != "not_party") {
    events.push_back({"rome_statute_ratification", &s.ratification, "", ""});
    events.push_back({"rome_statute_entry_into_force", &s.entry_into_force, "", ""});
  }
  if (s.withdrawal_effective.known())
    events.push_back({"rome_statute_withdrawal_effective", &s.withdrawal_effective, "", ""});
  if (s.apic_listed) {
    if (s.apic_signature.known()) events.push_back({"apic_signature", &s.apic_signature, "", ""});
    events.push_back({"apic_ratification", &s.apic_ratification, "", ""});
  }
  for (const auto& id : s.statements)
    for (const auto& st : data.statements)
      if (st.id == id) events.push_back({"joint_statement:" + id, nullptr, st.date, st.url});
  auto date_of = [](const Event& e) { return e.fact ? e.fact->value : e.date_override; };
  std::stable_sort(events.begin(), events.end(), [&](const Event& a, const Event& b) {
    std::string da = date_of(a), db = date_of(b);
    if (da.empty() != db.empty()) return db.empty();
    return da < db;
  });
  json::array out;
  for (const auto& e : events) {
    std::string date = date_of(e);
    out.push_back(json::object{{"event", e.event},
                               {"date", date.empty() ? json::value(nullptr) : json::value(date)},
                               {"derived", e.fact != nullptr && e.fact->known() && e.fact->derived},
                               {"source", e.fact ? e.fact->source : e.source}});
  }
  return out;
}

Response PublicJson(const json::object& body) {
  return PublicResponse(Response::Json(json::serialize(body)), "public, max-age=300");
}

json::object EditJson(const tracker::EditView& e) {
  return json::object{{"id", e.id},
                      {"log_index", e.log_index},
                      {"hour", e.hour},
                      {"editor", e.editor},
                      {"iso3", e.edit.iso3},
                      {"field", e.edit.field},
                      {"value", e.edit.value},
                      {"source", e.edit.source}};
}

Response HistoryResponse(const Result<std::vector<tracker::EditView>>& edits,
                         const std::string& rid) {
  if (!edits) return ErrorResponse(edits.error(), rid);
  json::array items;
  for (const auto& e : *edits) items.push_back(EditJson(e));
  json::object out{{"changes", std::move(items)}};
  if (!edits->empty()) out["next_after"] = edits->back().log_index + 1;
  return PublicJson(out);
}

// Editors and administrators change the tracker.
Result<accounts::Principal> Editor(accounts::Accounts& accounts, const RequestContext& ctx) {
  VIGIL_ASSIGN_OR_RETURN(accounts::Principal who, RequestPrincipal(accounts, ctx));
  if (who.role != accounts::Role::kEditor && who.role != accounts::Role::kAdmin)
    return MakeError(Errc::kPermissionDenied, "editors only");
  return who;
}

}  // namespace

void AddTrackerRoutes(http::Server& server, TrackerRouteDeps deps) {
  auto d = std::make_shared<TrackerRouteDeps>(deps);

  server.Route(http::Verb::get, "/v1/states",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 auto work = [d, rid]() {
                   auto data = d->edits->Current();
                   if (!data) return ErrorResponse(data.error(), rid);
                   json::array states;
                   for (const auto& s : data->states) states.push_back(SummaryJson(s));
                   return PublicJson(json::object{{"compiled", data->compiled},
                                                  {"headline", HeadlineJson(*data)},
                                                  {"statements", StatementsJson(*data)},
                                                  {"states", std::move(states)}});
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(http::Verb::get, "/v1/states/{iso3}",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string iso3(ctx.Param("iso3"));
                 std::string rid = ctx.request_id();
                 if (!tracker::IsIso3166Alpha3(iso3))
                   co_return ErrorResponse(MakeError(Errc::kInvalidArgument, "iso3"), rid);
                 auto work = [d, iso3, rid]() {
                   auto data = d->edits->Current();
                   if (!data) return ErrorResponse(data.error(), rid);
                   const tracker::StateRecord* s = data->Find(iso3);
                   if (s == nullptr) return ErrorResponse(MakeError(Errc::kNotFound, ""), rid);
                   json::object out = DetailJson(*s);
                   out["timeline"] = TimelineJson(*data, *s);
                   out["compiled"] = data->compiled;
                   return PublicJson(out);
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(http::Verb::get, "/v1/states/{iso3}/history",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string iso3(ctx.Param("iso3"));
                 std::string rid = ctx.request_id();
                 if (!tracker::IsIso3166Alpha3(iso3))
                   co_return ErrorResponse(MakeError(Errc::kInvalidArgument, "iso3"), rid);
                 auto work = [d, iso3, rid]() {
                   return HistoryResponse(d->edits->History(iso3, 0, 1000), rid);
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(http::Verb::get, "/v1/tracker/changes",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 std::string_view after_text = http::QueryParam(ctx.query(), "after");
                 std::uint64_t after = 0;
                 for (char c : after_text) {
                   if (c < '0' || c > '9' || after > (1ull << 50))
                     co_return ErrorResponse(MakeError(Errc::kInvalidArgument, "after"), rid);
                   after = after * 10 + static_cast<std::uint64_t>(c - '0');
                 }
                 auto work = [d, after, rid]() {
                   return HistoryResponse(d->edits->History("", after, 500), rid);
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(
      http::Verb::get, "/v1/tracker/export", [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        std::string format(http::QueryParam(ctx.query(), "format"));
        if (format != "csv" && format != "json")
          co_return ErrorResponse(MakeError(Errc::kInvalidArgument, "format"), rid);
        auto work = [d, format, rid]() {
          auto data = d->edits->Current();
          if (!data) return ErrorResponse(data.error(), rid);
          if (format == "json") {
            json::array states;
            for (const auto& s : data->states) states.push_back(DetailJson(s));
            return PublicJson(json::object{{"compiled", data->compiled},
                                           {"statements", StatementsJson(*data)},
                                           {"states", std::move(states)}});
          }
          Response r;
          r.content_type = "text/csv; charset=utf-8";
          r.body = tracker::ExportCsv(*data);
          r.headers.set("Cache-Control", "public, max-age=300");
          r.headers.set("Content-Disposition", "attachment; filename=\"vigil-states.csv\"");
          return r;
        };
        co_return co_await Offload(*d->pool, std::move(work));
      });

  server.Route(http::Verb::post, "/v1/states/{iso3}/edits",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 std::string iso3(ctx.Param("iso3"));
                 auto who = Editor(*d->accounts, ctx);
                 if (!who) co_return ErrorResponse(who.error(), rid);
                 auto body = co_await ctx.ReadBody();
                 if (!body) co_return ErrorResponse(body.error(), rid);
                 auto work = [d, rid, iso3, text = std::move(*body), actor = who->actor]() {
                   auto o = JsonObject::Parse(text, {"field", "value", "source"});
                   if (!o) return ErrorResponse(o.error(), rid);
                   auto field = o->String("field");
                   auto value = o->OptionalString("value");
                   auto source = o->String("source");
                   if (Status s = FirstError(field, value, source); !s)
                     return ErrorResponse(s.error(), rid);
                   auto edit = d->edits->Commit(
                       {iso3, std::string(*field), std::string(*value), std::string(*source)},
                       actor);
                   if (!edit) return ErrorResponse(edit.error(), rid);
                   return Response::Json(json::serialize(EditJson(*edit)), HttpStatus::created);
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(
      http::Verb::post, "/v1/tracker/import",
      [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        auto who = Editor(*d->accounts, ctx);
        if (!who) co_return ErrorResponse(who.error(), rid);
        auto body = co_await ctx.ReadBody();
        if (!body) co_return ErrorResponse(body.error(), rid);
        auto work = [d, rid, text = std::move(*body), actor = who->actor]() {
          auto data = d->edits->Current();
          if (!data) return ErrorResponse(data.error(), rid);
          auto edits = tracker::ImportCsv(*data, text);
          if (!edits) {
            // The one line naming the row and the problem goes back: the importer needs it to
            // fix the file (it holds only what the file and the data already say).
            std::string detail = edits.error().detail;
            for (char& c : detail)
              if (static_cast<unsigned char>(c) < 0x20) c = ' ';
            return Response::Json(
                json::serialize(
                    json::object{{"error", json::object{{"code", "invalid_import"},
                                                        {"message", "The file does not import."},
                                                        {"detail", detail}}},
                                 {"request_id", rid}}),
                HttpStatus::bad_request);
          }
          json::array committed;
          for (const auto& e : *edits) {
            auto view = d->edits->Commit(e, actor);
            if (!view) return ErrorResponse(view.error(), rid);
            committed.push_back(EditJson(*view));
          }
          return Response::Json(json::serialize(json::object{{"changes", std::move(committed)}}),
                                HttpStatus::created);
        };
        co_return co_await Offload(*d->pool, std::move(work));
      },
      http::RouteOptions{8 << 20});
}

}  // namespace vigil::api

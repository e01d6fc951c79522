#include "api/tracker_routes.h"

#include <algorithm>
#include <boost/json.hpp>

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
      {"statements", std::move(statements)}};
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
  Response r = Response::Json(json::serialize(body));
  r.headers.set("Cache-Control", "public, max-age=300");
  r.headers.set("Access-Control-Allow-Origin", "*");
  r.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  return r;
}

}  // namespace

void AddTrackerRoutes(http::Server& server, const tracker::TrackerData& data) {
  // The answers depend on the data alone: made once.
  json::array states;
  for (const auto& s : data.states) states.push_back(SummaryJson(s));
  auto list = std::make_shared<json::object>(json::object{{"compiled", data.compiled},
                                                          {"headline", HeadlineJson(data)},
                                                          {"statements", StatementsJson(data)},
                                                          {"states", std::move(states)}});
  server.Route(http::Verb::get, "/v1/states", [list](RequestContext&) -> asio::awaitable<Response> {
    co_return PublicJson(*list);
  });
  server.Route(http::Verb::get, "/v1/states/{iso3}",
               [&data](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string_view iso3 = ctx.Param("iso3");
                 if (!tracker::IsIso3166Alpha3(iso3))
                   co_return Response::Error(HttpStatus::bad_request, "invalid_request",
                                             "The request is not valid.");
                 const tracker::StateRecord* s = data.Find(iso3);
                 if (s == nullptr)
                   co_return Response::Error(HttpStatus::not_found, "not_found",
                                             "No such resource.");
                 json::object out = SummaryJson(*s);
                 out["source"] = s->source;
                 out["notes"] = s->notes;
                 out["timeline"] = TimelineJson(data, *s);
                 out["compiled"] = data.compiled;
                 co_return PublicJson(out);
               });
}

}  // namespace vigil::api

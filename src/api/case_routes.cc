#include "api/case_routes.h"

#include <boost/json.hpp>

#include "api/account_routes.h"
#include "api/json.h"
#include "api/report_routes.h"
#include "api/responses.h"
#include "base/base64.h"
#include "http/request_parts.h"
#include "records/ledger.h"

namespace vigil::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpStatus;
using http::RequestContext;
using http::Response;

constexpr std::int64_t kMaxPage = 500;

// The signed-in holder of the organisation key making the request.
Result<translog::ActorId> KeyHolder(const CaseRouteDeps& d, const RequestContext& ctx) {
  VIGIL_ASSIGN_OR_RETURN(accounts::Principal who, RequestPrincipal(*d.accounts, ctx));
  if (!accounts::HoldsOrganisationKey(who.role))
    return MakeError(Errc::kPermissionDenied, "cases need the organisation key");
  return who.actor;
}

json::object AckJson(const cases::CaseAck& ack) {
  return json::object{{"case_id", ack.case_id},
                      {"revision", ack.revision},
                      {"log_index", ack.log_index},
                      {"receipt_url", "/v1/receipts/" + std::to_string(ack.log_index)}};
}

json::object SummaryJson(const cases::CaseSummary& s) {
  return json::object{{"id", s.id},
                      {"revisions", s.revisions},
                      {"created_hour", s.created_hour},
                      {"updated_hour", s.updated_hour},
                      {"log_index", s.log_index},
                      {"latest_log_index", s.latest_log_index},
                      {"latest_size", s.latest.size}};
}

Response RevisionError(const Error& e, std::string_view rid) {
  if (e.code == Errc::kFailedPrecondition)
    return Response::Error(HttpStatus::conflict, "revision_conflict",
                           "The case changed since you opened it; reload it and try again.");
  return ErrorResponse(e, rid);
}

// The number of a path segment or query value: 1 to 10^9, nothing otherwise.
std::optional<std::int64_t> Number(std::string_view text) {
  auto n = records::ParseDecimal(text);
  if (!n || *n < 1 || *n > 1'000'000'000) return std::nullopt;
  return n;
}

// GET /v1/cases: pages of summaries, with each latest revision inline when asked, so that a
// coordinator's browser opens thousands of cases in a few requests.
Response ListCases(const CaseRouteDeps& d, const std::string& query, const std::string& rid) {
  std::string_view after = http::QueryParam(query, "after");
  std::string_view limit_text = http::QueryParam(query, "limit");
  std::string_view include = http::QueryParam(query, "include");
  std::int64_t limit = 100;
  if (!limit_text.empty()) {
    auto n = Number(limit_text);
    if (!n || *n > kMaxPage)
      return ErrorResponse(MakeError(Errc::kInvalidArgument, "limit is 1 to 500"), rid);
    limit = *n;
  }
  if (!include.empty() && include != "ciphertext")
    return ErrorResponse(MakeError(Errc::kInvalidArgument, "include=ciphertext or nothing"), rid);
  auto list = d.cases->List(after, static_cast<std::size_t>(limit));
  if (!list) return ErrorResponse(list.error(), rid);
  json::array items;
  for (const auto& s : *list) {
    json::object item = SummaryJson(s);
    if (!include.empty()) {
      auto file = reports::ReadCiphertext(*d.blobs, s.latest);
      if (!file) return ErrorResponse(file.error(), rid);
      item["ciphertext"] = Base64Encode(*file);
    }
    items.push_back(std::move(item));
  }
  json::object out{{"cases", std::move(items)}};
  if (static_cast<std::int64_t>(list->size()) == limit)
    out["next"] = std::to_string(list->back().updated_hour) + "." + list->back().id;
  return Response::Json(json::serialize(out));
}

Response CaseView(const CaseRouteDeps& d, const std::string& id, const std::string& rid) {
  auto summary = d.cases->Get(id);
  if (!summary) return ErrorResponse(summary.error(), rid);
  auto events = d.cases->Events(id);
  if (!events) return ErrorResponse(events.error(), rid);
  json::array custody;
  for (const auto& e : *events) {
    json::object item{{"log_index", e.log_index},
                      {"kind", e.kind},
                      {"revision", e.revision},
                      {"hour", e.hour},
                      {"author", e.author}};
    if (e.kind == "revision") item["size"] = e.size;
    if (e.kind == "export") item["manifest_sha256"] = e.detail;
    custody.push_back(std::move(item));
  }
  json::object out = SummaryJson(*summary);
  out["custody"] = std::move(custody);
  return Response::Json(json::serialize(out));
}

// GCC 12 warns falsely that Asio's coroutine frames below are freed by a mismatched operator
// delete (see form_routes.cc); silenced for the coroutines of this file alone.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

// POST /v1/cases and POST /v1/cases/{id}/revisions.
asio::awaitable<Response> StoreRevision(std::shared_ptr<CaseRouteDeps> d, RequestContext& ctx,
                                        bool create) {
  std::string rid = ctx.request_id();
  std::string id(create ? std::string_view() : ctx.Param("id"));
  auto actor = KeyHolder(*d, ctx);
  if (!actor) co_return ErrorResponse(actor.error(), rid);
  auto body = co_await ctx.ReadBody();
  if (!body) co_return ErrorResponse(body.error(), rid);
  auto work = [d, rid, id, create, text = std::move(*body), by = *actor]() {
    auto object = create ? JsonObject::Parse(text, {"ciphertext", "case_id"})
                         : JsonObject::Parse(text, {"ciphertext", "base_revision"});
    if (!object) return ErrorResponse(object.error(), rid);
    auto ciphertext = object->Base64("ciphertext");
    if (!ciphertext) return ErrorResponse(ciphertext.error(), rid);
    if (create) {
      auto chosen = object->OptionalString("case_id");
      if (!chosen) return ErrorResponse(chosen.error(), rid);
      auto ack = d->cases->Create(*ciphertext, by, *chosen);
      if (!ack) return ErrorResponse(ack.error(), rid);
      return Response::Json(json::serialize(AckJson(*ack)), HttpStatus::created);
    }
    auto base = object->Integer("base_revision", 1, 1'000'000);
    if (!base) return ErrorResponse(base.error(), rid);
    auto ack = d->cases->Revise(id, *base, *ciphertext, by);
    if (!ack) return RevisionError(ack.error(), rid);
    return Response::Json(json::serialize(AckJson(*ack)), HttpStatus::created);
  };
  co_return co_await Offload(*d->pool, std::move(work));
}

// POST /v1/cases/{id}/exports.
asio::awaitable<Response> RecordExport(std::shared_ptr<CaseRouteDeps> d, RequestContext& ctx) {
  std::string rid = ctx.request_id();
  std::string id(ctx.Param("id"));
  auto actor = KeyHolder(*d, ctx);
  if (!actor) co_return ErrorResponse(actor.error(), rid);
  auto body = co_await ctx.ReadBody();
  if (!body) co_return ErrorResponse(body.error(), rid);
  auto work = [d, rid, id, text = std::move(*body), by = *actor]() {
    auto object = JsonObject::Parse(text, {"revision", "manifest_sha256"});
    if (!object) return ErrorResponse(object.error(), rid);
    auto revision = object->Integer("revision", 1, 1'000'000);
    auto manifest = object->String("manifest_sha256");
    if (auto bad = FirstError(revision, manifest); !bad) return ErrorResponse(bad.error(), rid);
    auto ack = d->cases->RecordExport(id, *revision, *manifest, by);
    if (!ack) return ErrorResponse(ack.error(), rid);
    return Response::Json(json::serialize(AckJson(*ack)), HttpStatus::created);
  };
  co_return co_await Offload(*d->pool, std::move(work));
}

// A GET route for key holders whose work needs only the path and the query.
template <typename Work>
http::Handler KeyHolderGet(std::shared_ptr<CaseRouteDeps> d, Work work) {
  return [d, work](RequestContext& ctx) -> asio::awaitable<Response> {
    std::string rid = ctx.request_id();
    auto actor = KeyHolder(*d, ctx);
    if (!actor) co_return ErrorResponse(actor.error(), rid);
    std::string id(ctx.Param("id"));
    std::string second(ctx.Param("revision"));
    std::string query(ctx.query());
    auto bound = [d, work, id, second, query, rid]() { return work(*d, id, second, query, rid); };
    co_return co_await Offload(*d->pool, std::move(bound));
  };
}

}  // namespace

void AddCaseRoutes(http::Server& server, CaseRouteDeps deps) {
  auto d = std::make_shared<CaseRouteDeps>(deps);
  http::RouteOptions big{d->max_revision_bytes};

  server.Route(
      http::Verb::post, "/v1/cases",
      [d](RequestContext& ctx) { return StoreRevision(d, ctx, /*create=*/true); }, big);
  server.Route(
      http::Verb::post, "/v1/cases/{id}/revisions",
      [d](RequestContext& ctx) { return StoreRevision(d, ctx, /*create=*/false); }, big);
  server.Route(http::Verb::post, "/v1/cases/{id}/exports",
               [d](RequestContext& ctx) { return RecordExport(d, ctx); });

  server.Route(http::Verb::get, "/v1/cases",
               KeyHolderGet(d, [](const CaseRouteDeps& r, const std::string&, const std::string&,
                                  const std::string& query,
                                  const std::string& rid) { return ListCases(r, query, rid); }));
  server.Route(http::Verb::get, "/v1/cases/{id}",
               KeyHolderGet(d, [](const CaseRouteDeps& r, const std::string& id, const std::string&,
                                  const std::string&,
                                  const std::string& rid) { return CaseView(r, id, rid); }));
  server.Route(
      http::Verb::get, "/v1/cases/{id}/revisions/{revision}",
      KeyHolderGet(d, [](const CaseRouteDeps& r, const std::string& id, const std::string& revision,
                         const std::string&, const std::string& rid) {
        auto n = Number(revision);
        if (!n) return ErrorResponse(MakeError(Errc::kNotFound, "revision"), rid);
        auto event = r.cases->Revision(id, *n);
        if (!event) return ErrorResponse(event.error(), rid);
        return CiphertextResponse(*r.blobs, event->where, rid);
      }));

  // The receipt of any log entry: what an export package carries for each item it names.
  server.Route(http::Verb::get, "/v1/receipts/{index}",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 auto actor = KeyHolder(*d, ctx);
                 if (!actor) co_return ErrorResponse(actor.error(), rid);
                 auto index = records::ParseDecimal(ctx.Param("index"));
                 if (!index) co_return ErrorResponse(MakeError(Errc::kNotFound, "log index"), rid);
                 // Past the sequenced entries no checkpoint will ever come: 404, not "pending".
                 if (static_cast<std::uint64_t>(*index) >= d->appender->size())
                   co_return ErrorResponse(MakeError(Errc::kNotFound, "log entry"), rid);
                 auto work = [d, rid, index = static_cast<std::uint64_t>(*index)]() {
                   return ReceiptResponse(*d->log, d->log_key, index, rid);
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });
}

#pragma GCC diagnostic pop

}  // namespace vigil::api

#include "api/statistics_routes.h"

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

json::object Summary(const cases::Publication& p) {
  return json::object{{"id", p.id},
                      {"title", p.title},
                      {"log_index", p.log_index},
                      {"hour", p.hour},
                      {"receipt_url", "/v1/statistics/" + p.id + "/receipt"}};
}

// POST /v1/statistics. A free function: GCC 12 warns falsely that Asio's coroutine frame is freed
// by a mismatched operator delete (see form_routes.cc); silenced here alone.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<Response> Publish(std::shared_ptr<StatisticsRouteDeps> d, RequestContext& ctx) {
  std::string rid = ctx.request_id();
  auto who = RequestPrincipal(*d->accounts, ctx);
  if (!who) co_return ErrorResponse(who.error(), rid);
  if (!accounts::HoldsOrganisationKey(who->role))
    co_return ErrorResponse(MakeError(Errc::kPermissionDenied, ""), rid);
  auto body = co_await ctx.ReadBody();
  if (!body) co_return ErrorResponse(body.error(), rid);
  auto work = [d, rid, text = std::move(*body), actor = who->actor]() {
    auto document = cases::ParseStatistics(text);
    if (!document) return ErrorResponse(document.error(), rid);
    auto published = d->publications->Publish(*document, actor);
    if (!published && published.error().code == Errc::kInvalidArgument)
      return Response::Error(HttpStatus::unprocessable_entity, "unsafe_statistics",
                             "The table would reveal a small count; suppress it first.");
    if (!published) return ErrorResponse(published.error(), rid);
    return Response::Json(json::serialize(Summary(*published)), HttpStatus::created);
  };
  co_return co_await Offload(*d->pool, std::move(work));
}
#pragma GCC diagnostic pop

}  // namespace

void AddStatisticsRoutes(http::Server& server, StatisticsRouteDeps deps) {
  auto d = std::make_shared<StatisticsRouteDeps>(deps);

  server.Route(
      http::Verb::post, "/v1/statistics", [d](RequestContext& ctx) { return Publish(d, ctx); },
      http::RouteOptions{1 << 20});

  server.Route(
      http::Verb::get, "/v1/statistics", [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        auto work = [d, rid]() {
          auto list = d->publications->List();
          if (!list) return ErrorResponse(list.error(), rid);
          json::array items;
          for (const auto& p : *list) items.push_back(Summary(p));
          return PublicResponse(
              Response::Json(json::serialize(json::object{{"publications", std::move(items)}})),
              "public, max-age=60");
        };
        co_return co_await Offload(*d->pool, std::move(work));
      });

  server.Route(http::Verb::get, "/v1/statistics/{id}",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 std::string id(ctx.Param("id"));
                 auto work = [d, rid, id]() {
                   auto p = d->publications->Get(id);
                   if (!p) return ErrorResponse(p.error(), rid);
                   json::object out = Summary(*p);
                   // The document exactly as stored: its SHA-256 is in the log entry.
                   out["document"] = json::parse(p->document);
                   return PublicResponse(Response::Json(json::serialize(out)),
                                         "public, max-age=60");
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(http::Verb::get, "/v1/statistics/{id}/receipt",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 std::string id(ctx.Param("id"));
                 auto work = [d, rid, id]() {
                   auto p = d->publications->Get(id);
                   if (!p) return ErrorResponse(p.error(), rid);
                   return ReceiptResponse(*d->log, d->log_key, p->log_index, rid);
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });
}

}  // namespace vigil::api

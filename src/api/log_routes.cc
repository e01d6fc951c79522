#include "api/log_routes.h"

#include "translog/tiles.h"

namespace vigil::api {

namespace asio = boost::asio;
using http::HttpStatus;
using http::RequestContext;
using http::Response;

namespace {

// A public log resource: readable from any origin (witnesses and monitors run in browsers too).
Response PublicResource(std::string content_type, const Bytes& body, std::string cache_control) {
  Response r;
  r.content_type = std::move(content_type);
  r.body = ToString(body);
  r.headers.set("Cache-Control", cache_control);
  r.headers.set("Access-Control-Allow-Origin", "*");
  r.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  return r;
}

}  // namespace

void AddLogRoutes(http::Server& server, const translog::LogDirectory& dir,
                  LogRouteOptions options) {
  auto checkpoint = [&dir](RequestContext&) -> asio::awaitable<Response> {
    auto note = dir.Read("checkpoint");
    if (!note || !*note)
      co_return Response::Error(HttpStatus::service_unavailable, "log_unavailable",
                                "The log is not available.");
    // Mutable: clients may cache it for a few seconds only (tlog-tiles "Checkpoints").
    co_return PublicResource("text/plain; charset=utf-8", **note, "public, max-age=5");
  };
  auto tile = [&dir, options](RequestContext& ctx) -> asio::awaitable<Response> {
    std::string path = "tile/" + std::string(ctx.Param("path"));
    auto coordinates = translog::ParseTilePath(path);
    if (!coordinates)
      co_return Response::Error(HttpStatus::not_found, "not_found", "No such resource.");
    const bool restricted =
        coordinates->entries && !(options.entries_public && options.entries_public());
    if (restricted && !(options.may_read_entries && options.may_read_entries(ctx)))
      co_return Response::Error(HttpStatus::forbidden, "entries_not_public",
                                "Entry bundles are available to mirrors and auditors only.");
    auto bytes = dir.Read(path);
    if (!bytes)
      co_return Response::Error(HttpStatus::service_unavailable, "log_unavailable",
                                "The log is not available.");
    if (!*bytes) co_return Response::Error(HttpStatus::not_found, "not_found", "No such resource.");
    // Tiles never change once written (tlog-tiles): full and partial alike are immutable.
    // Entry bundles behind a token must not sit in shared caches.
    co_return PublicResource("application/octet-stream", **bytes,
                             restricted ? "private, max-age=31536000, immutable"
                                        : "public, max-age=31536000, immutable");
  };
  server.Route(http::Verb::get, "/checkpoint", checkpoint);
  server.Route(http::Verb::get, "/tile/{path...}", tile);
}

}  // namespace vigil::api

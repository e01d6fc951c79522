#include "api/log_routes.h"

#include "translog/tiles.h"

namespace vigil::api {

namespace asio = boost::asio;
using http::HttpStatus;
using http::RequestContext;
using http::Response;

void AddLogRoutes(http::Server& server, const translog::LogDirectory& dir,
                  LogRouteOptions options) {
  server.Route(http::Verb::get, "/checkpoint",
               [&dir](RequestContext&) -> asio::awaitable<Response> {
                 auto note = dir.Read("checkpoint");
                 if (!note || !*note)
                   co_return Response::Error(HttpStatus::service_unavailable, "log_unavailable",
                                             "The log is not available.");
                 Response r;
                 r.content_type = "text/plain; charset=utf-8";
                 r.body = ToString(**note);
                 // Mutable: clients may cache it for a few seconds only (tlog-tiles "Checkpoints").
                 r.headers.set("Cache-Control", "public, max-age=5");
                 r.headers.set("Access-Control-Allow-Origin", "*");
                 r.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
                 co_return r;
               });

  server.Route(
      http::Verb::get, "/tile/{path...}",
      [&dir, options](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string path = "tile/" + std::string(ctx.Param("path"));
        auto coordinates = translog::ParseTilePath(path);
        if (!coordinates)
          co_return Response::Error(HttpStatus::not_found, "not_found", "No such resource.");
        if (coordinates->entries && !options.entries_public)
          co_return Response::Error(HttpStatus::forbidden, "entries_not_public",
                                    "Entry bundles are available to mirrors and auditors only.");
        auto bytes = dir.Read(path);
        if (!bytes)
          co_return Response::Error(HttpStatus::service_unavailable, "log_unavailable",
                                    "The log is not available.");
        if (!*bytes)
          co_return Response::Error(HttpStatus::not_found, "not_found", "No such resource.");
        Response r;
        r.content_type = "application/octet-stream";
        r.body = ToString(**bytes);
        // Tiles never change once written (tlog-tiles): full and partial alike are immutable.
        r.headers.set("Cache-Control", "public, max-age=31536000, immutable");
        r.headers.set("Access-Control-Allow-Origin", "*");
        r.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
        co_return r;
      });
}

}  // namespace vigil::api

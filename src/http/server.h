// The HTTP/1.1 server: a listener, one coroutine per connection, an endpoint table, limits and
// time-outs on every stream, security headers on every response, request logs without personal
// data, and graceful shutdown. Transport only: handlers (src/api) know the domain.
// Contract: docs/api/http.md.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/status.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/io.h"
#include "http/router.h"

namespace vigil::http {

namespace asio = boost::asio;
using HttpStatus = boost::beast::http::status;
using Fields = boost::beast::http::fields;

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;   // 0 picks a free port (tests)
  std::size_t threads = 0;  // 0: one per core
  std::size_t header_limit = 16 * 1024;
  std::uint64_t default_body_limit = 1 << 20;
  std::chrono::milliseconds header_timeout{15'000};  // idle keep-alive and slow headers
  std::chrono::milliseconds body_timeout{60'000};    // per read of body data
  std::chrono::milliseconds write_timeout{60'000};
  std::size_t max_connections = 1024;
  std::chrono::milliseconds drain_timeout{10'000};
  // Native TLS (MakeTlsContext in http/stream.h); null serves plain HTTP, for a reverse proxy
  // or the onion service in front.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

// A stable, documented error (docs/api/openapi.yaml): `code` is snake_case, `message` a fixed
// text that never includes input or internal detail.
struct ApiError {
  HttpStatus status;
  std::string code;
  std::string message;
};

struct Response {
  HttpStatus status = HttpStatus::ok;
  std::string content_type = "application/json";
  std::string body;
  Fields headers;  // extra headers; Cache-Control set here replaces the no-store default
  std::optional<ApiError> error;  // rendered as the JSON error document
  // The reason phrase of a status Beast does not know (tus: 460 "Checksum Mismatch"); empty:
  // the standard one.
  std::string reason;
  // A body streamed from a source instead of `body` (large files): exactly `stream_size`
  // bytes are read from it, in constant memory.
  std::shared_ptr<Source> stream;
  std::uint64_t stream_size = 0;

  static Response Json(std::string body, HttpStatus status = HttpStatus::ok);
  static Response Error(HttpStatus status, std::string code, std::string message);
};

class Connection;

// What a handler sees of a request. Lives for one request; not thread-safe.
class RequestContext {
 public:
  Verb method() const;
  std::string_view path() const { return path_; }
  std::string_view query() const { return query_; }
  const Fields& headers() const;
  std::string_view Header(std::string_view name) const;
  // A captured {name} path segment, or empty.
  std::string_view Param(std::string_view name) const;
  const std::string& request_id() const { return request_id_; }
  const std::string& route() const { return route_; }
  std::optional<std::uint64_t> content_length() const;

  // Reads the whole body (at most the route's body limit): kResourceExhausted when larger,
  // kUnavailable on a time-out or a closed connection.
  asio::awaitable<Result<std::string>> ReadBody();
  // Streams the body: up to out.size() bytes, 0 at its end. When the connection fails, the
  // bytes that arrived before are returned first, and the error (kUnavailable) by the next call.
  asio::awaitable<Result<std::size_t>> ReadBodySome(MutableByteSpan out);

 private:
  friend class Connection;
  explicit RequestContext(Connection& connection) : connection_(connection) {}
  Connection& connection_;
  std::string path_;
  std::string query_;
  std::string request_id_;
  std::string route_;
  PathParams params_;
  std::optional<Error> read_error_;  // a failed body read, returned again by later reads
};

using Handler = std::function<asio::awaitable<Response>(RequestContext&)>;

struct RouteOptions {
  std::uint64_t body_limit = 0;  // 0: the server default
};

// One line per request, for operators: request id, method, route template (never the path,
// which may hold ids), status, latency. No address, agent or body (DESIGN.md section 1).
struct RequestLogEntry {
  std::string request_id;
  std::string method;
  std::string route;
  unsigned status;
  std::int64_t latency_us;
};
using RequestLogger = std::function<void(const RequestLogEntry&)>;

// Writes the entry as a JSON line to standard error.
void LogToStderr(const RequestLogEntry& entry);

class Server {
 public:
  Server(ServerOptions options, RequestLogger logger = LogToStderr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Routes are added before Start. Routes match in the order added.
  void Route(Verb method, std::string_view pattern, Handler handler, RouteOptions options = {});

  // Binds and starts the worker threads. Fails with kUnavailable when the address cannot be
  // bound.
  Status Start();
  std::uint16_t port() const { return port_; }

  // Stops accepting, lets requests in flight finish (up to drain_timeout), closes idle
  // connections, and joins the threads. Safe to call from any thread, once or more.
  void Shutdown();
  // Blocks until Shutdown has completed.
  void Wait();

  // "METHOD pattern" of every route, in the order added (checked against the API contract).
  std::vector<std::string> RouteList() const;

  // Connections open now (for tests and /metrics).
  std::size_t open_connections() const { return open_connections_.load(); }

 private:
  friend class Connection;
  friend class RequestContext;
  struct RouteEntry {
    Handler handler;
    RouteOptions options;
  };
  asio::awaitable<void> Accept();
  void Register(const std::shared_ptr<Connection>& c);
  void Unregister(Connection* c);

  ServerOptions options_;
  RequestLogger logger_;
  RouteTable table_;
  std::vector<RouteEntry> routes_;
  asio::io_context ioc_;
  std::optional<asio::ip::tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> open_connections_{0};
  std::atomic<bool> draining_{false};
  std::mutex mu_;
  std::vector<std::weak_ptr<Connection>> connections_;
  std::once_flag shutdown_once_;
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
};

}  // namespace vigil::http

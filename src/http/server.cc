#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdio>

#include "base/hex.h"
#include "base/random.h"
#include "http/security_headers.h"
#include "http/stream.h"

namespace vigil::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(use_awaitable);
constexpr std::size_t kBodyReadBytes = 64 * 1024;

Response Response::Json(std::string body, HttpStatus status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::Error(HttpStatus status, std::string code, std::string message) {
  Response r;
  r.status = status;
  r.error = ApiError{status, std::move(code), std::move(message)};
  return r;
}

void LogToStderr(const RequestLogEntry& e) {
  boost::json::object line{{"request_id", e.request_id},
                           {"method", e.method},
                           {"route", e.route},
                           {"status", e.status},
                           {"latency_us", e.latency_us}};
  std::string text = boost::json::serialize(line);
  std::fprintf(stderr, "%s\n", text.c_str());
}

// One client connection: reads requests one after another on its strand, until the client
// closes, a time-out, an error that leaves the stream unusable, or shutdown.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket), server.options_.tls.get()) {}

  asio::awaitable<void> Run();
  // From any thread: closes the connection if it is waiting for a request.
  void CloseIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.socket().close(ignored);
      }
    });
  }

 private:
  friend class RequestContext;
  asio::awaitable<Response> Dispatch(RequestContext& ctx);
  asio::awaitable<bool> Write(RequestContext& ctx, Response response, bool keep_alive);
  asio::awaitable<bool> WriteStream(const bhttp::response_header<>& header, Response& response,
                                    bool head);

  Server& server_;
  ServerStream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::buffer_body>> parser_;
  std::uint64_t body_limit_ = 0;
  bool idle_ = true;  // waiting for a request's header; only touched on the strand
};

Verb RequestContext::method() const { return connection_.parser_->get().method(); }
const Fields& RequestContext::headers() const { return connection_.parser_->get(); }
std::string_view RequestContext::Header(std::string_view name) const {
  const auto& fields = headers();
  auto it = fields.find(name);
  return it == fields.end() ? std::string_view() : std::string_view(it->value());
}
std::string_view RequestContext::Param(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) return v;
  }
  return {};
}
std::optional<std::uint64_t> RequestContext::content_length() const {
  auto len = connection_.parser_->content_length();
  if (!len) return std::nullopt;
  return *len;
}

asio::awaitable<Result<std::size_t>> RequestContext::ReadBodySome(MutableByteSpan out) {
  if (read_error_) co_return *read_error_;
  auto& parser = *connection_.parser_;
  if (parser.is_done() || out.empty()) co_return std::size_t{0};
  parser.get().body().data = out.data();
  parser.get().body().size = out.size();
  // Beast reads from the socket into the connection's buffer, at most its free capacity at a
  // time (512 bytes after a small header): give it room for 64 KiB reads, or a large body costs
  // a system call per 512 bytes.
  if (auto& b = connection_.buffer_; b.capacity() - b.size() < kBodyReadBytes)
    b.reserve(b.size() + kBodyReadBytes);
  connection_.stream_.expires_after(connection_.server_.options_.body_timeout);
  auto [ec, n] =
      co_await bhttp::async_read(connection_.stream_, connection_.buffer_, parser, kTuple);
  if (ec == bhttp::error::need_buffer) ec = {};
  if (ec == bhttp::error::body_limit)
    co_return MakeError(Errc::kResourceExhausted, "body over the limit");
  const std::size_t got = out.size() - parser.get().body().size;
  if (ec) {
    // Bytes that arrived before the connection failed are still the client's data (a resumable
    // upload keeps them): return them, and the failure on the next call. The parser is not
    // asked again after an error.
    read_error_ = MakeError(Errc::kUnavailable, "reading the body: " + ec.message());
    if (got == 0) co_return *read_error_;
  }
  co_return got;
}

asio::awaitable<Result<std::string>> RequestContext::ReadBody() {
  std::string body;
  if (auto len = content_length(); len && *len <= connection_.body_limit_) body.reserve(*len);
  Bytes chunk(64 * 1024);
  while (true) {
    auto n = co_await ReadBodySome(chunk);
    if (!n) co_return n.error();
    if (*n == 0) break;
    body.append(reinterpret_cast<const char*>(chunk.data()), *n);
  }
  co_return body;
}

std::string NewRequestId() {
  Bytes id(8);
  SystemRandom::Get().Fill(id);
  return HexEncode(id);
}

asio::awaitable<Response> Connection::Dispatch(RequestContext& ctx) {
  auto& req = parser_->get();
  std::string_view target(req.target().data(), req.target().size());
  std::size_t q = target.find('?');
  ctx.path_ = std::string(target.substr(0, q));
  if (q != std::string_view::npos) ctx.query_ = std::string(target.substr(q + 1));

  auto match = server_.table_.Match(req.method(), ctx.path_);
  if (auto* miss = std::get_if<RouteMiss>(&match)) {
    if (*miss == RouteMiss::kNotFound) {
      ctx.route_ = "(none)";
      co_return Response::Error(HttpStatus::not_found, "not_found", "No such resource.");
    }
    ctx.route_ = "(method)";
    Response r = Response::Error(HttpStatus::method_not_allowed, "method_not_allowed",
                                 "The method is not allowed on this resource.");
    std::string allow;
    for (Verb v : server_.table_.AllowedMethods(ctx.path_)) {
      if (!allow.empty()) allow += ", ";
      allow += std::string(bhttp::to_string(v));
    }
    r.headers.set(bhttp::field::allow, allow);
    co_return r;
  }
  auto& m = std::get<RouteMatch>(match);
  ctx.route_ = server_.table_.pattern(m.route);
  ctx.params_ = std::move(m.params);
  const auto& entry = server_.routes_[m.route];
  body_limit_ =
      entry.options.body_limit ? entry.options.body_limit : server_.options_.default_body_limit;
  if (auto len = ctx.content_length(); len && *len > body_limit_)
    co_return Response::Error(HttpStatus::payload_too_large, "payload_too_large",
                              "The request body is too large.");
  parser_->body_limit(body_limit_);
  co_return co_await entry.handler(ctx);
}

asio::awaitable<bool> Connection::Write(RequestContext& ctx, Response response, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{response.status, 11};
  if (!response.reason.empty()) res.reason(response.reason);
  for (const auto& field : response.headers) res.set(field.name_string(), field.value());
  if (response.error) {
    boost::json::object doc{{"error", boost::json::object{{"code", response.error->code},
                                                          {"message", response.error->message}}},
                            {"request_id", ctx.request_id()}};
    response.body = boost::json::serialize(doc);
    response.content_type = "application/json";
  }
  if (!response.body.empty() || response.status != HttpStatus::no_content)
    res.set(bhttp::field::content_type, response.content_type);
  res.set("X-Request-Id", ctx.request_id());
  ApplySecurityHeaders(res.base());
  res.keep_alive(keep_alive);
  bool head = parser_ && parser_->get().method() == Verb::head;
  if (response.stream) co_return co_await WriteStream(res.base(), response, head);
  res.body() = std::move(response.body);
  res.prepare_payload();
  if (head) {
    res.content_length(res.body().size());
    res.body().clear();
  }
  stream_.expires_after(server_.options_.write_timeout);
  bhttp::response_serializer<bhttp::string_body> serializer(res);
  if (head) serializer.split(true);
  beast::error_code ec;
  if (head) {
    std::tie(ec, std::ignore) = co_await bhttp::async_write_header(stream_, serializer, kTuple);
  } else {
    std::tie(ec, std::ignore) = co_await bhttp::async_write(stream_, serializer, kTuple);
  }
  co_return !ec;
}

asio::awaitable<bool> Connection::WriteStream(const bhttp::response_header<>& header,
                                              Response& response, bool head) {
  bhttp::response<bhttp::buffer_body> res{header};
  res.content_length(response.stream_size);
  res.body().data = nullptr;
  res.body().more = !head;
  bhttp::response_serializer<bhttp::buffer_body> serializer(res);
  stream_.expires_after(server_.options_.write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream_, serializer, kTuple);
  if (ec || head) co_return !ec;
  Bytes buffer(64 * 1024);
  std::uint64_t remaining = response.stream_size;
  while (remaining > 0) {
    MutableByteSpan want(buffer.data(), std::min<std::uint64_t>(buffer.size(), remaining));
    auto got = response.stream->Read(want);
    // A source that fails or ends early cannot be reported any more: the status line is
    // sent. Closing the connection short of Content-Length tells the client.
    if (!got || *got == 0) co_return false;
    remaining -= *got;
    res.body().data = buffer.data();
    res.body().size = *got;
    res.body().more = remaining > 0;
    stream_.expires_after(server_.options_.write_timeout);
    std::tie(ec, std::ignore) = co_await bhttp::async_write(stream_, serializer, kTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return false;
  }
  res.body().data = nullptr;
  res.body().more = false;
  std::tie(ec, std::ignore) = co_await bhttp::async_write(stream_, serializer, kTuple);
  co_return !ec;
}

asio::awaitable<void> Connection::Run() {
  const ServerOptions& opts = server_.options_;
  if (stream_.is_tls()) {
    // The handshake is bounded like a request header: a client that stalls is cut off.
    stream_.expires_after(opts.header_timeout);
    auto [ec] = co_await stream_.tls().async_handshake(asio::ssl::stream_base::server, kTuple);
    if (ec) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
      co_return;
    }
  }
  while (!server_.draining_) {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(opts.header_limit));
    // No body limit while reading the header: Beast would refuse a large Content-Length there
    // as a malformed request. Dispatch sets the route's limit and answers 413 itself.
    parser_->body_limit(boost::none);
    idle_ = true;
    stream_.expires_after(opts.header_timeout);
    auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, *parser_, kTuple);
    idle_ = false;
    auto start = std::chrono::steady_clock::now();
    RequestContext ctx(*this);
    ctx.request_id_ = NewRequestId();
    Response response;
    bool keep_alive = false;
    if (ec == bhttp::error::header_limit) {
      ctx.route_ = "(header too large)";
      response = Response::Error(HttpStatus::request_header_fields_too_large, "header_too_large",
                                 "The request headers are too large.");
    } else if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
               ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
               ec == asio::error::bad_descriptor || ec == asio::error::eof) {
      break;
    } else if (ec) {
      ctx.route_ = "(malformed)";
      response =
          Response::Error(HttpStatus::bad_request, "bad_request", "The request is malformed.");
    } else {
      response = co_await Dispatch(ctx);
      // A body the handler left unread cannot be skipped safely: close after answering.
      keep_alive = parser_->get().keep_alive() && parser_->is_done() && !server_.draining_;
    }
    unsigned status = static_cast<unsigned>(response.status);
    bool written = co_await Write(ctx, std::move(response), keep_alive);
    std::string method =
        parser_->is_header_done() ? std::string(bhttp::to_string(parser_->get().method())) : "-";
    server_.logger_({ctx.request_id(), method, ctx.route(), status,
                     std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count()});
    if (!written || !keep_alive) break;
  }
  if (stream_.is_tls()) {
    // close_notify, briefly: a client gone away must not hold the connection.
    stream_.expires_after(std::chrono::seconds(2));
    co_await stream_.tls().async_shutdown(kTuple);
  }
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

// ---------------------------------------------------------------------------------------------

Server::Server(ServerOptions options, RequestLogger logger)
    : options_(std::move(options)),
      logger_(std::move(logger)),
      ioc_(static_cast<int>(options_.threads ? options_.threads
                                             : std::max(1u, std::thread::hardware_concurrency()))) {
}

Server::~Server() {
  Shutdown();
  Wait();
}

void Server::Route(Verb method, std::string_view pattern, Handler handler,
                   RouteOptions route_options) {
  table_.Add(method, pattern);
  routes_.push_back({std::move(handler), route_options});
}

std::vector<std::string> Server::RouteList() const {
  std::vector<std::string> out;
  for (const auto& line : table_.List()) out.push_back(line);
  return out;
}

void Server::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  std::erase_if(connections_, [](const auto& w) { return w.expired(); });
  connections_.push_back(c);
}

// Answers a connection over the limit with a fixed 503 and closes it.
asio::awaitable<void> RefuseConnection(tcp::socket socket) {
  static const std::string kBusy = [] {
    std::string body =
        R"({"error":{"code":"too_many_connections","message":"The server is busy."},"request_id":""})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Connection: close\r\nCache-Control: no-store\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  co_await asio::async_write(socket, asio::buffer(kBusy.data(), kBusy.size()), kTuple);
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> Server::Accept() {
  while (true) {
    auto [ec, socket] = co_await acceptor_->async_accept(asio::make_strand(ioc_), kTuple);
    if (ec == asio::error::operation_aborted || draining_) co_return;
    if (ec) continue;  // e.g. out of file descriptors; keep serving the others
    if (open_connections_.load() >= options_.max_connections) {
      auto exec = socket.get_executor();
      asio::co_spawn(exec, RefuseConnection(std::move(socket)), asio::detached);
      continue;
    }
    ++open_connections_;
    // The connection's coroutine runs on its socket's strand, the one CloseIfIdle posts to:
    // two strands would let a close race a read.
    auto strand = socket.get_executor();
    // Responses go out as a header and then body writes: without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACK would hold each response back by tens of ms.
    beast::error_code nodelay_error;
    socket.set_option(tcp::no_delay(true), nodelay_error);
    auto connection = std::make_shared<Connection>(*this, std::move(socket));
    Register(connection);
    auto run = [connection]() -> asio::awaitable<void> { co_await connection->Run(); };
    auto done = [this, connection](std::exception_ptr e) {
      // The edge where exceptions stop (STYLE.md): a bug in a handler loses one connection.
      if (e) std::fprintf(stderr, "{\"error\":\"connection ended by an exception\"}\n");
      --open_connections_;
    };
    asio::co_spawn(strand, run, std::move(done));
  }
}

Status Server::Start() {
  beast::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return MakeError(Errc::kInvalidArgument, "bad listen address " + options_.address);
  tcp::endpoint endpoint(address, options_.port);
  acceptor_.emplace(ioc_);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return MakeError(Errc::kUnavailable, "cannot listen on " + options_.address + ":" +
                                             std::to_string(options_.port) + ": " + ec.message());
  port_ = acceptor_->local_endpoint().port();
  asio::co_spawn(ioc_, Accept(), asio::detached);
  std::size_t n =
      options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  return OkStatus();
}

void Server::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    draining_ = true;
    if (acceptor_)
      asio::post(ioc_, [this] {
        beast::error_code ignored;
        acceptor_->close(ignored);
      });
    {
      std::lock_guard lock(mu_);
      for (auto& w : connections_) {
        if (auto c = w.lock()) c->CloseIfIdle();
      }
    }
    auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
    while (open_connections_.load() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    {
      std::lock_guard lock(done_mu_);
      done_ = true;
    }
    done_cv_.notify_all();
  });
}

void Server::Wait() {
  std::unique_lock lock(done_mu_);
  done_cv_.wait(lock, [this] { return done_; });
}

}  // namespace vigil::http

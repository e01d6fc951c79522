// The server against real sockets on port 0: routing, limits, time-outs, connection limits,
// security headers, request logs and graceful shutdown.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <future>

#include "http/stream.h"
#include "testing/test_paths.h"

namespace vigil::http {
namespace {

using tcp = asio::ip::tcp;

// A raw client: sends bytes, reads until the server closes or `timeout` passes.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void Send(std::string_view bytes) {
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()));
  }
  // Reads everything until EOF.
  std::string ReadAll() {
    std::string out;
    boost::system::error_code ec;
    char buf[4096];
    while (true) {
      std::size_t n = socket_.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) break;
    }
    return out;
  }
  // Reads one response (headers + Content-Length body) from a kept-alive connection.
  std::string ReadResponse() {
    std::string out;
    char c;
    while (out.find("\r\n\r\n") == std::string::npos) {
      asio::read(socket_, asio::buffer(&c, 1));
      out.push_back(c);
    }
    std::size_t pos = out.find("Content-Length: ");
    std::size_t len = pos == std::string::npos ? 0 : std::stoul(out.substr(pos + 16));
    std::string body(len, '\0');
    if (len) asio::read(socket_, asio::buffer(body.data(), len));
    return out + body;
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
};

std::string Get(std::uint16_t port, std::string_view target, std::string_view extra = "") {
  RawClient c(port);
  c.Send("GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
         std::string(extra) + "\r\n");
  return c.ReadAll();
}

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.threads = 2;
    server_ = std::make_unique<Server>(options, [this](const RequestLogEntry& e) {
      std::lock_guard lock(log_mu_);
      log_.push_back(e);
    });
    server_->Route(Verb::get, "/v1/things/{id}",
                   [](RequestContext& ctx) -> asio::awaitable<Response> {
                     co_return Response::Json("{\"id\":\"" + std::string(ctx.Param("id")) + "\"}");
                   });
    server_->Route(
        Verb::post, "/v1/echo",
        [](RequestContext& ctx) -> asio::awaitable<Response> {
          auto body = co_await ctx.ReadBody();
          if (!body)
            co_return Response::Error(HttpStatus::payload_too_large, "payload_too_large",
                                      "Too large.");
          co_return Response::Json(*body);
        },
        RouteOptions{1000});
    server_->Route(Verb::get, "/v1/slow", [](RequestContext&) -> asio::awaitable<Response> {
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(300));
      co_await timer.async_wait(asio::use_awaitable);
      co_return Response::Json("{\"slow\":true}");
    });
    ASSERT_TRUE(server_->Start());
    port_ = server_->port();
  }
  // The server logs from its threads: stop it before the log it writes to goes away.
  void TearDown() override { server_.reset(); }
  std::vector<RequestLogEntry> Log() {
    std::lock_guard lock(log_mu_);
    return log_;
  }

  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::mutex log_mu_;
  std::vector<RequestLogEntry> log_;
};

TEST_F(ServerTest, ServesRouteWithSecurityHeadersAndLogsTemplateNotPath) {
  StartServer();
  std::string r = Get(port_, "/v1/things/secret-id-42");
  EXPECT_NE(r.find("HTTP/1.1 200 OK"), std::string::npos) << r;
  EXPECT_NE(r.find("{\"id\":\"secret-id-42\"}"), std::string::npos);
  for (const char* h : {"Content-Security-Policy: default-src 'none'", "Cache-Control: no-store",
                        "Referrer-Policy: no-referrer", "X-Content-Type-Options: nosniff",
                        "Permissions-Policy:", "Cross-Origin-Opener-Policy: same-origin",
                        "Cross-Origin-Resource-Policy: same-origin", "X-Request-Id: "}) {
    EXPECT_NE(r.find(h), std::string::npos) << h;
  }
  server_->Shutdown();
  auto log = Log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].route, "/v1/things/{id}");
  EXPECT_EQ(log[0].method, "GET");
  EXPECT_EQ(log[0].status, 200u);
  EXPECT_EQ(log[0].request_id.size(), 16u);
}

TEST_F(ServerTest, UnknownPathAndMethodGetStableJsonErrors) {
  StartServer();
  std::string r = Get(port_, "/v1/nope");
  EXPECT_NE(r.find("404 Not Found"), std::string::npos);
  EXPECT_NE(r.find(R"({"error":{"code":"not_found","message":"No such resource."},"request_id":")"),
            std::string::npos)
      << r;
  RawClient c(port_);
  c.Send("DELETE /v1/things/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  r = c.ReadAll();
  EXPECT_NE(r.find("405 Method Not Allowed"), std::string::npos);
  EXPECT_NE(r.find("Allow: GET"), std::string::npos);
  EXPECT_NE(r.find("method_not_allowed"), std::string::npos);
  r = Get(port_, "/v1/things/..");
  EXPECT_NE(r.find("404"), std::string::npos);
}

TEST_F(ServerTest, HeadOmitsTheBody) {
  StartServer();
  RawClient c(port_);
  c.Send("HEAD /v1/things/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string r = c.ReadAll();
  EXPECT_NE(r.find("200 OK"), std::string::npos);
  EXPECT_NE(r.find("Content-Length: 10"), std::string::npos) << r;
  EXPECT_EQ(r.find("{\"id\""), std::string::npos);
}

TEST_F(ServerTest, MalformedAndOversizedRequestsAreRefused) {
  ServerOptions options;
  options.header_limit = 1024;
  StartServer(options);
  RawClient bad(port_);
  bad.Send("THIS IS NOT HTTP\r\n\r\n");
  std::string r = bad.ReadAll();
  EXPECT_NE(r.find("400 Bad Request"), std::string::npos) << r;
  EXPECT_NE(r.find("bad_request"), std::string::npos);

  r = Get(port_, "/v1/things/1", "X-Big: " + std::string(4000, 'a') + "\r\n");
  EXPECT_NE(r.find("431"), std::string::npos) << r.substr(0, 200);
  EXPECT_NE(r.find("header_too_large"), std::string::npos);

  RawClient big(port_);
  big.Send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
  r = big.ReadAll();
  EXPECT_NE(r.find("413"), std::string::npos) << r;
  EXPECT_NE(r.find("payload_too_large"), std::string::npos);

  // Chunked, so the limit is only found while reading.
  RawClient chunked(port_);
  std::string chunk(600, 'x');
  chunked.Send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" +
               chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
  r = chunked.ReadAll();
  EXPECT_NE(r.find("413"), std::string::npos) << r;
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsAndEchoesBodies) {
  StartServer();
  RawClient c(port_);
  for (int i = 0; i < 3; ++i) {
    std::string body = "{\"n\":" + std::to_string(i) + "}";
    c.Send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body);
    std::string r = c.ReadResponse();
    EXPECT_NE(r.find("200 OK"), std::string::npos);
    EXPECT_TRUE(r.ends_with(body)) << r;
  }
}

TEST_F(ServerTest, SlowClientIsCutOffAfterTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  RawClient c(port_);
  c.Send("GET /v1/things/1 HTTP/1.1\r\nHo");
  auto start = std::chrono::steady_clock::now();
  std::string r = c.ReadAll();  // returns when the server closes
  EXPECT_EQ(r, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(ServerTest, ConnectionsOverTheLimitGet503) {
  ServerOptions options;
  options.max_connections = 2;
  StartServer(options);
  RawClient a(port_), b(port_);
  // Make sure both are accepted and counted before the third arrives.
  for (int i = 0; i < 200 && server_->open_connections() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(server_->open_connections(), 2u);
  std::string r = Get(port_, "/v1/things/1");
  EXPECT_NE(r.find("503"), std::string::npos) << r;
  EXPECT_NE(r.find("too_many_connections"), std::string::npos);
}

TEST_F(ServerTest, ShutdownFinishesRequestsInFlightAndClosesIdleOnes) {
  StartServer();
  RawClient idle(port_);
  auto slow = std::async(std::launch::async, [this] { return Get(port_, "/v1/slow"); });
  for (int i = 0; i < 200 && server_->open_connections() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server_->Shutdown();
  std::string r = slow.get();
  EXPECT_NE(r.find("{\"slow\":true}"), std::string::npos) << r;
  EXPECT_EQ(idle.ReadAll(), "");
  EXPECT_EQ(server_->open_connections(), 0u);
}

// A resumable upload keeps what arrived before the client hung up: the bytes first, then the
// failure. And a status Beast has no name for goes out with the handler's reason phrase.
TEST(Server, BodyBytesBeforeAHangUpAreReadThenTheFailure) {
  std::promise<std::pair<std::size_t, Errc>> result;
  Server server(ServerOptions{}, [](const RequestLogEntry&) {});
  server.Route(
      Verb::patch, "/v1/parts", [&result](RequestContext& ctx) -> asio::awaitable<Response> {
        std::size_t total = 0;
        Bytes chunk(64 * 1024);
        while (true) {
          auto n = co_await ctx.ReadBodySome(chunk);
          if (!n) {
            auto again = co_await ctx.ReadBodySome(chunk);  // the failure stays
            result.set_value({total, again ? Errc::kInternal : again.error().code});
            break;
          }
          if (*n == 0) break;
          total += *n;
        }
        Response r = Response::Error(static_cast<HttpStatus>(460), "checksum_mismatch", "No.");
        r.reason = "Checksum Mismatch";
        co_return r;
      });
  ASSERT_TRUE(server.Start());
  {
    RawClient c(server.port());
    c.Send("PATCH /v1/parts HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
           std::string(60000, 'b'));
  }
  auto [total, error] = result.get_future().get();
  EXPECT_EQ(total, 60000u);
  EXPECT_EQ(error, Errc::kUnavailable);

  RawClient c(server.port());
  c.Send("PATCH /v1/parts HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(c.ReadAll().rfind("HTTP/1.1 460 Checksum Mismatch\r\n", 0), 0u);
}

}  // namespace
}  // namespace vigil::http

namespace vigil::http {
namespace {

// A self-signed certificate for 127.0.0.1, made by the openssl tool for this test.
struct TestCertificate {
  testing::TempDir dir;
  std::string cert = (dir.path() / "cert.pem").string();
  std::string key = (dir.path() / "key.pem").string();
  TestCertificate() {
    std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-days 1 -subj /CN=vigil-test -addext subjectAltName=IP:127.0.0.1 "
        "-keyout " +
        key + " -out " + cert + " 2> /dev/null";
    EXPECT_EQ(std::system(command.c_str()), 0) << "is the openssl tool installed?";
  }
};

// One HTTPS request that trusts only `ca_file`; the whole response, or "(handshake failed)".
std::string GetOverTls(std::uint16_t port, const std::string& ca_file, std::string_view target) {
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  ctx.load_verify_file(ca_file, ec);
  ctx.set_verify_mode(asio::ssl::verify_peer, ec);
  asio::ssl::stream<tcp::socket> stream(ioc, ctx);
  stream.lowest_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (!ec) stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return "(handshake failed)";
  std::string request =
      "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(stream, asio::buffer(request), ec);
  std::string out;
  char buf[4096];
  while (!ec) {
    std::size_t n = stream.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
  }
  return out;
}

TEST_F(ServerTest, ServesHttpsWithItsCertificate) {
  TestCertificate certificate;
  auto tls = MakeTlsContext(certificate.cert, certificate.key);
  ASSERT_TRUE(tls.has_value()) << tls.error().ToString();
  ServerOptions options;
  options.tls = *tls;
  StartServer(options);
  std::string response = GetOverTls(port_, certificate.cert, "/v1/things/7");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK", 0), 0u) << response;
  EXPECT_NE(response.find("{\"id\":\"7\"}"), std::string::npos);
  EXPECT_NE(response.find("Content-Security-Policy"), std::string::npos);
  // Plain HTTP to the TLS port gets no HTTP answer.
  EXPECT_EQ(Get(port_, "/v1/things/7").find("HTTP/1.1 200"), std::string::npos);
  // A client that trusts another certificate refuses the handshake.
  TestCertificate other;
  EXPECT_EQ(GetOverTls(port_, other.cert, "/v1/things/7"), "(handshake failed)");
}

TEST(MakeTlsContext, RefusesMissingFilesAndAMismatchedKey) {
  TestCertificate a, b;
  EXPECT_EQ(MakeTlsContext(a.cert + ".missing", a.key).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(MakeTlsContext(a.cert, a.key + ".missing").error().code, Errc::kInvalidArgument);
  EXPECT_EQ(MakeTlsContext(a.cert, b.key).error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::http

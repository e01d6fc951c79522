#include "http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace vigil::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

Result<GetResult> Get(std::string_view url, const ClientOptions& options) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme))
    return MakeError(Errc::kInvalidArgument, "only http:// URLs are supported");
  url.remove_prefix(kScheme.size());
  std::size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  std::string target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  std::string host(authority), port = "80";
  if (std::size_t colon = authority.rfind(':');
      colon != std::string_view::npos && authority.back() != ']') {
    host = std::string(authority.substr(0, colon));
    port = std::string(authority.substr(colon + 1));
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || port.empty()) return MakeError(Errc::kInvalidArgument, "malformed URL");

  asio::io_context ioc;
  asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(host, port, ec);
  if (ec) return MakeError(Errc::kUnavailable, "cannot resolve " + host + ": " + ec.message());
  stream.expires_after(options.timeout);
  stream.connect(endpoints, ec);
  if (ec)
    return MakeError(Errc::kUnavailable,
                     "cannot connect to " + std::string(authority) + ": " + ec.message());

  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, std::string(authority));
  req.set(bhttp::field::user_agent, "vigil");
  stream.expires_after(options.timeout);
  bhttp::write(stream, req, ec);
  if (ec) return MakeError(Errc::kUnavailable, "sending the request: " + ec.message());

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_body);
  stream.expires_after(options.timeout);
  bhttp::read(stream, buffer, parser, ec);
  if (ec == bhttp::error::body_limit)
    return MakeError(Errc::kResourceExhausted, "response body over the limit");
  if (ec) return MakeError(Errc::kUnavailable, "reading the response: " + ec.message());
  GetResult result;
  result.status = parser.get().result_int();
  if (auto it = parser.get().find(bhttp::field::content_type); it != parser.get().end())
    result.content_type = std::string(it->value());
  result.body = std::move(parser.get().body());
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return result;
}

}  // namespace vigil::http

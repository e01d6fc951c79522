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

std::string GetResult::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (beast::iequals(k, name)) return v;
  return "";
}

Result<GetResult> Get(std::string_view url, const ClientOptions& options) {
  return Send(ClientRequest{"GET", std::string(url), "", {}}, options);
}

Result<GetResult> Send(const ClientRequest& request, const ClientOptions& options) {
  std::string_view url = request.url;
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

  bhttp::request<bhttp::string_body> req;
  req.method_string(request.method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, std::string(authority));
  req.set(bhttp::field::user_agent, "vigil");
  for (const auto& [k, v] : request.headers) req.set(k, v);
  req.body() = request.body;
  if (!request.body.empty() || request.method == "POST" || request.method == "PATCH")
    req.prepare_payload();
  stream.expires_after(options.timeout);
  bhttp::write(stream, req, ec);
  // A server may answer before reading the whole body (413) and close: read its answer anyway.
  beast::error_code write_error = ec;

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_body);
  // A response to HEAD has no body, whatever its Content-Length says.
  if (request.method == "HEAD") parser.skip(true);
  stream.expires_after(options.timeout);
  bhttp::read(stream, buffer, parser, ec);
  if (ec == bhttp::error::body_limit)
    return MakeError(Errc::kResourceExhausted, "response body over the limit");
  if (ec && write_error)
    return MakeError(Errc::kUnavailable, "sending the request: " + write_error.message());
  if (ec) return MakeError(Errc::kUnavailable, "reading the response: " + ec.message());
  GetResult result;
  result.status = parser.get().result_int();
  if (auto it = parser.get().find(bhttp::field::content_type); it != parser.get().end())
    result.content_type = std::string(it->value());
  result.body = std::move(parser.get().body());
  for (const auto& field : parser.get())
    result.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return result;
}

}  // namespace vigil::http

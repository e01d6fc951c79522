// Fuzzes request parsing as the server does it (Beast's parser with our header and body limits)
// followed by routing, so a hostile request line or path cannot crash or hang the router.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/router.h"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto* table = [] {
    auto* t = new vigil::http::RouteTable;
    t->Add(vigil::http::Verb::get, "/v1/reports/{id}");
    t->Add(vigil::http::Verb::post, "/v1/reports");
    t->Add(vigil::http::Verb::patch, "/v1/uploads/{id}");
    t->Add(vigil::http::Verb::get, "/tile/{level}/{index}");
    return t;
  }();
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!parser.is_header_done()) return 0;
  const auto& req = parser.get();
  std::string_view target(req.target().data(), req.target().size());
  target = target.substr(0, target.find('?'));
  auto match = table->Match(req.method(), target);
  (void)match;
  (void)table->AllowedMethods(target);
  return 0;
}

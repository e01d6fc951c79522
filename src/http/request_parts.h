// Small parsers of request parts that handlers need: one query parameter, one cookie. Pure, so
// they are fuzzed without a server (tests/fuzz/fuzz_request_parts.cc).
#pragma once

#include <string_view>

namespace vigil::http {

// The raw value of parameter `name` in a query string "a=1&b=2" (not percent-decoded), or empty.
std::string_view QueryParam(std::string_view query, std::string_view name);

// The value of cookie `name` in a Cookie header "a=1; b=2", or empty.
std::string_view CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace vigil::http

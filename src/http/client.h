// A small blocking HTTP/1.1 client for tools (`vigil log verify URL`, witnesses, mirrors):
// GET only, plain http:// (TLS and onion addresses go through a local proxy, planned), with a
// time-out and a body limit on every request.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace vigil::http {

struct ClientOptions {
  std::uint64_t max_body = 64ull << 20;
  std::chrono::milliseconds timeout{30'000};
};

struct GetResult {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// Fetches `url` ("http://host[:port]/path"). Fails with kInvalidArgument for another scheme or a
// malformed URL, kUnavailable when the server cannot be reached or times out, and
// kResourceExhausted when the body is over the limit. Any HTTP status is a success here.
Result<GetResult> Get(std::string_view url, const ClientOptions& options = {});

}  // namespace vigil::http

// A small blocking HTTP/1.1 client for tools (`vigil log verify URL`, witnesses, mirrors) and
// tests: plain http:// (TLS and onion addresses go through a local proxy, planned), with a
// time-out and a body limit on every request.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  std::vector<std::pair<std::string, std::string>> headers;  // as received

  // The first header named `name` (case-insensitive), or empty.
  std::string Header(std::string_view name) const;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Sends any request; the same errors as Get.
Result<GetResult> Send(const ClientRequest& request, const ClientOptions& options = {});

// Fetches `url` ("http://host[:port]/path"). Fails with kInvalidArgument for another scheme or a
// malformed URL, kUnavailable when the server cannot be reached or times out, and
// kResourceExhausted when the body is over the limit. Any HTTP status is a success here.
Result<GetResult> Get(std::string_view url, const ClientOptions& options = {});

}  // namespace vigil::http

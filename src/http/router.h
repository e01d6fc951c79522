// The endpoint table: routes are a method plus a path template such as
// "/v1/reports/{id}", matched segment by segment. Pure: no I/O, fuzzed in tests/fuzz.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/error.h"

namespace vigil::http {

using Verb = boost::beast::http::verb;

// Captured {name} segments of a matched path, in order.
using PathParams = std::vector<std::pair<std::string, std::string>>;

struct RouteMatch {
  std::size_t route = 0;  // index into the table
  PathParams params;
};

// Why a path did not match.
enum class RouteMiss { kNotFound, kMethodNotAllowed };

class RouteTable {
 public:
  // Adds a route; returns its index. `pattern` starts with '/', its segments are literals or
  // {name} (a whole segment); the last may be {name...}, which captures one or more remaining
  // segments joined by '/'. CHECKs on malformed patterns and on duplicates: they are bugs.
  std::size_t Add(Verb method, std::string_view pattern);

  // Matches a request path (without query string). Captured segments must be non-empty and
  // are not percent-decoded; a literal segment matches exactly. A path that matches some route
  // with another method is kMethodNotAllowed. Paths with empty segments (except a single
  // trailing slash-free root), "." or ".." never match.
  std::variant<RouteMatch, RouteMiss> Match(Verb method, std::string_view path) const;

  const std::string& pattern(std::size_t route) const { return routes_[route].pattern; }
  // "METHOD pattern" of each route, in order.
  std::vector<std::string> List() const;
  // Methods allowed on a path, for the Allow header of a 405.
  std::vector<Verb> AllowedMethods(std::string_view path) const;

 private:
  struct Route {
    Verb method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for captures
  };
  static bool SplitPath(std::string_view path, std::vector<std::string_view>& out);
  static bool MatchSegments(const Route& route, const std::vector<std::string_view>& parts,
                            PathParams* params);
  std::vector<Route> routes_;
};

}  // namespace vigil::http

#include "http/router.h"

#include "base/check.h"

namespace vigil::http {

bool RouteTable::SplitPath(std::string_view path, std::vector<std::string_view>& out) {
  out.clear();
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    // Security: reject empty, "." and ".." segments outright, so no route can be reached by a
    // path that a file server or proxy would normalise differently (threat model T8).
    if (part.empty() || part == "." || part == "..") return false;
    out.push_back(part);
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

std::size_t RouteTable::Add(Verb method, std::string_view pattern) {
  Route route{method, std::string(pattern), {}};
  std::vector<std::string_view> parts;
  CHECK_MSG(SplitPath(pattern, parts), "malformed route pattern");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    if (p.front() == '{') CHECK_MSG(p.back() == '}' && p.size() > 2, "malformed route capture");
    if (p.ends_with("...}"))
      CHECK_MSG(i + 1 == parts.size() && p.size() > 5, "a rest capture must come last");
    route.segments.emplace_back(p);
  }
  for (const Route& r : routes_)
    CHECK_MSG(!(r.method == method && r.pattern == pattern), "duplicate route");
  routes_.push_back(std::move(route));
  return routes_.size() - 1;
}

bool RouteTable::MatchSegments(const Route& route, const std::vector<std::string_view>& parts,
                               PathParams* params) {
  const bool rest = !route.segments.empty() && route.segments.back().ends_with("...}");
  if (rest ? parts.size() < route.segments.size() : parts.size() != route.segments.size())
    return false;
  const std::size_t fixed = rest ? route.segments.size() - 1 : route.segments.size();
  for (std::size_t i = 0; i < fixed; ++i) {
    const std::string& seg = route.segments[i];
    if (seg.front() == '{') continue;
    if (seg != parts[i]) return false;
  }
  if (params != nullptr) {
    params->clear();
    for (std::size_t i = 0; i < fixed; ++i) {
      const std::string& seg = route.segments[i];
      if (seg.front() == '{') params->emplace_back(seg.substr(1, seg.size() - 2), parts[i]);
    }
    if (rest) {
      std::string joined;
      for (std::size_t i = fixed; i < parts.size(); ++i) {
        if (!joined.empty()) joined += '/';
        joined += parts[i];
      }
      const std::string& seg = route.segments.back();
      params->emplace_back(seg.substr(1, seg.size() - 5), std::move(joined));
    }
  }
  return true;
}

std::variant<RouteMatch, RouteMiss> RouteTable::Match(Verb method, std::string_view path) const {
  std::vector<std::string_view> parts;
  if (!SplitPath(path, parts)) return RouteMiss::kNotFound;
  bool path_known = false;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!MatchSegments(routes_[i], parts, nullptr)) continue;
    path_known = true;
    // HEAD is served by GET routes.
    if (routes_[i].method == method || (method == Verb::head && routes_[i].method == Verb::get)) {
      RouteMatch match{i, {}};
      MatchSegments(routes_[i], parts, &match.params);
      return match;
    }
  }
  return path_known ? RouteMiss::kMethodNotAllowed : RouteMiss::kNotFound;
}

std::vector<Verb> RouteTable::AllowedMethods(std::string_view path) const {
  std::vector<Verb> out;
  std::vector<std::string_view> parts;
  if (!SplitPath(path, parts)) return out;
  for (const Route& r : routes_) {
    if (MatchSegments(r, parts, nullptr)) out.push_back(r.method);
  }
  return out;
}

std::vector<std::string> RouteTable::List() const {
  std::vector<std::string> out;
  for (const auto& r : routes_)
    out.push_back(std::string(boost::beast::http::to_string(r.method)) + " " + r.pattern);
  return out;
}

}  // namespace vigil::http

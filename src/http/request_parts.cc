#include "http/request_parts.h"

namespace vigil::http {
namespace {

// The value of the first `name=value` item of `list`, items separated by `separator`, spaces
// before an item ignored.
std::string_view FindItem(std::string_view list, char separator, std::string_view name) {
  while (!list.empty()) {
    std::size_t end = list.find(separator);
    std::string_view item = list.substr(0, end);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name &&
        item[name.size()] == '=')
      return item.substr(name.size() + 1);
    list = end == std::string_view::npos ? std::string_view() : list.substr(end + 1);
  }
  return {};
}

}  // namespace

std::string_view QueryParam(std::string_view query, std::string_view name) {
  return FindItem(query, '&', name);
}

std::string_view CookieValue(std::string_view cookie_header, std::string_view name) {
  return FindItem(cookie_header, ';', name);
}

}  // namespace vigil::http

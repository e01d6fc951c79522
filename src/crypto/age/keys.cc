#include "crypto/age/keys.h"

#include <string>

namespace vigil::age {
namespace {

// Calls parse(line) for every meaningful line; stops at the first error.
template <typename T, typename Parse>
Result<std::vector<T>> ParseKeyLines(std::string_view text, std::string_view what, Parse parse) {
  std::vector<T> out;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto parsed = parse(line);
    if (!parsed)
      return MakeError(Errc::kInvalidArgument,
                       "line " + std::to_string(number) + " is not a valid " + std::string(what));
    out.push_back(std::move(*parsed));
  }
  if (out.empty()) return MakeError(Errc::kInvalidArgument, "no " + std::string(what) + " found");
  return out;
}

}  // namespace

Result<std::vector<X25519Identity>> ParseIdentityFile(std::string_view text) {
  return ParseKeyLines<X25519Identity>(text, "identity",
                                       [](std::string_view l) { return X25519Identity::Parse(l); });
}

Result<std::vector<X25519Recipient>> ParseRecipientsFile(std::string_view text) {
  return ParseKeyLines<X25519Recipient>(
      text, "recipient", [](std::string_view l) { return X25519Recipient::Parse(l); });
}

}  // namespace vigil::age

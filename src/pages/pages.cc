#include "pages/pages.h"

#include <boost/json.hpp>
#include <kainjow/mustache.hpp>

namespace vigil::pages {
namespace {

namespace json = boost::json;
using Mustache = kainjow::mustache::mustache;
using Data = kainjow::mustache::data;

struct Embedded {
  std::string_view name;
  std::string_view contents;
};

// Generated at configure time (CMakeLists.txt): file name and contents.
constexpr Embedded kTemplates[] = {
#include "templates.inc"
};
constexpr Embedded kCatalogueFiles[] = {
#include "catalogues.inc"
};
constexpr Embedded kStatic[] = {
#include "static.inc"
};

constexpr std::string_view kLanguages[] = {"en", "fr", "es", "ar"};

std::string_view FindEmbedded(std::span<const Embedded> files, std::string_view name) {
  for (const auto& f : files)
    if (f.name == name) return f.contents;
  return {};
}

// The catalogues, parsed once. A catalogue that does not parse is a build defect, caught by
// pages_test; at run time its messages are simply empty.
const std::map<std::string, std::map<std::string, std::string>>& Catalogues() {
  static const auto* catalogues = [] {
    auto* out = new std::map<std::string, std::map<std::string, std::string>>();
    for (std::string_view lang : kLanguages) {
      std::string_view text = FindEmbedded(kCatalogueFiles, std::string(lang) + ".json");
      boost::system::error_code ec;
      json::value value = json::parse(text, ec);
      auto& messages = (*out)[std::string(lang)];
      if (ec || !value.is_object()) continue;
      for (const auto& [key, message] : value.as_object())
        if (message.is_string()) messages[std::string(key)] = std::string(message.as_string());
    }
    return out;
  }();
  return *catalogues;
}

}  // namespace

std::span<const std::string_view> Languages() { return kLanguages; }

std::string_view PickLanguage(std::string_view query_lang, std::string_view accept_language) {
  for (std::string_view lang : kLanguages)
    if (query_lang == lang) return lang;
  // "fr-CH, fr;q=0.9, en;q=0.8": the first listed whose primary tag we have. Weights are
  // ignored: browsers list languages in the order of preference.
  while (!accept_language.empty()) {
    std::size_t comma = accept_language.find(',');
    std::string_view item = accept_language.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    std::string_view primary = item.substr(0, item.find_first_of("-;"));
    for (std::string_view lang : kLanguages)
      if (primary.size() == 2 && (primary[0] | 0x20) == lang[0] && (primary[1] | 0x20) == lang[1])
        return lang;
    accept_language = comma == std::string_view::npos ? "" : accept_language.substr(comma + 1);
  }
  return kLanguages[0];
}

bool IsRightToLeft(std::string_view lang) { return lang == "ar"; }

std::string Message(std::string_view lang, std::string_view key,
                    const std::map<std::string, std::string>& args) {
  const auto& catalogues = Catalogues();
  auto catalogue = catalogues.find(std::string(lang));
  if (catalogue == catalogues.end()) catalogue = catalogues.find("en");
  auto message = catalogue->second.find(std::string(key));
  std::string text = message == catalogue->second.end() ? std::string(key) : message->second;
  for (const auto& [name, value] : args) {
    const std::string placeholder = "{" + name + "}";
    for (std::size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size()))
      text.replace(at, placeholder.size(), value);
  }
  return text;
}

std::vector<std::string> CatalogueProblems() {
  std::vector<std::string> problems;
  const auto& catalogues = Catalogues();
  const auto& english = catalogues.at("en");
  for (std::string_view lang : kLanguages) {
    const auto& other = catalogues.at(std::string(lang));
    if (other.empty()) problems.push_back(std::string(lang) + ": the catalogue does not parse");
    for (const auto& [key, text] : english)
      if (!other.contains(key)) problems.push_back(std::string(lang) + ": missing " + key);
    for (const auto& [key, text] : other)
      if (!english.contains(key)) problems.push_back(std::string(lang) + ": unknown " + key);
  }
  return problems;
}

Result<std::string> Render(std::string_view page, std::string_view lang, std::string_view path,
                           const std::map<std::string, std::string>& values) {
  std::string_view source = FindEmbedded(kTemplates, std::string(page) + ".mustache");
  if (source.empty()) return MakeError(Errc::kNotFound, "no page " + std::string(page));
  Mustache tmpl{std::string(source)};
  if (!tmpl.is_valid()) return MakeError(Errc::kInternal, tmpl.error_message());

  Data t{Data::type::object};
  for (const auto& [key, text] : Catalogues().at(std::string(lang))) t.set(key, text);
  Data languages{Data::type::list};
  for (std::string_view code : kLanguages) {
    Data item{Data::type::object};
    item.set("code", std::string(code));
    item.set("name", Message(code, "lang_name"));
    item.set("path", std::string(path));
    item.set("current", code == lang ? Data::type::bool_true : Data::type::bool_false);
    languages.push_back(item);
  }
  Data data{Data::type::object};
  data.set("t", t);
  data.set("lang", std::string(lang));
  data.set("dir", IsRightToLeft(lang) ? "rtl" : "ltr");
  data.set("languages", languages);
  for (const auto& [key, value] : values) {
    data.set(key, value);
    // {{#has_x}}…{{/has_x}}: a part shown only when the value x is not empty.
    data.set("has_" + key, value.empty() ? Data::type::bool_false : Data::type::bool_true);
  }
  data.set("head", kainjow::mustache::partial{
                       [] { return std::string(FindEmbedded(kTemplates, "head.mustache")); }});
  data.set("foot", kainjow::mustache::partial{
                       [] { return std::string(FindEmbedded(kTemplates, "foot.mustache")); }});
  std::string html = tmpl.render(data);
  if (!tmpl.is_valid()) return MakeError(Errc::kInternal, tmpl.error_message());
  return html;
}

std::string_view Stylesheet() { return FindEmbedded(kStatic, "nojs.css"); }

}  // namespace vigil::pages

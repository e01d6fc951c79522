// Server-rendered pages: the no-JavaScript reporter form and its result (DESIGN.md section 1,
// the one chosen exception to encryption on the device). Mustache templates
// (src/pages/templates/) filled from the message catalogues in web/messages/, one per language,
// the same catalogues the web client uses. Every value is HTML-escaped.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace vigil::pages {

// The supported languages, English first (the fallback).
std::span<const std::string_view> Languages();

// The language of a request: `query_lang` (from ?lang=) when supported, else the first
// supported language of an Accept-Language header, else English.
std::string_view PickLanguage(std::string_view query_lang, std::string_view accept_language);

bool IsRightToLeft(std::string_view lang);

// A message of `lang` with its {name} arguments replaced (ICU MessageFormat simple arguments).
std::string Message(std::string_view lang, std::string_view key,
                    const std::map<std::string, std::string>& args = {});

// "<lang>: <key>" for each key of the English catalogue missing from another, and each key of
// another catalogue that English lacks. Empty when the catalogues agree.
std::vector<std::string> CatalogueProblems();

// Renders template `page` ("report_form", "report_done", "error") in `lang`. `values` are the
// page's own fields (each also as has_<key>, true when not empty, for optional parts); `path`
// is the page's path for the language links. kNotFound for an
// unknown page.
Result<std::string> Render(std::string_view page, std::string_view lang, std::string_view path,
                           const std::map<std::string, std::string>& values);

// The stylesheet of the pages.
std::string_view Stylesheet();

}  // namespace vigil::pages

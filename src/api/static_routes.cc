#include "api/static_routes.h"

#include <array>
#include <fstream>
#include <sstream>

namespace vigil::api {
namespace {

namespace asio = boost::asio;
using http::HttpStatus;
using http::RequestContext;
using http::Response;

constexpr WebPage kPages[] = {
    {"/", "index.html"},
    {"/report", "report.html"},
    {"/follow-up", "follow-up.html"},
    // The staff app (coordinators): one page, its views in the URL fragment, so the keys it
    // unlocks stay in that page's memory and never need storing between pages.
    {"/staff", "staff.html"},
};

constexpr char kImmutable[] = "public, max-age=31536000, immutable";

bool IsBase64Url(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

Result<std::string> ReadWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(Errc::kIo, "cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in.good() && !in.eof()) return MakeError(Errc::kIo, "cannot read " + path.string());
  return ss.str();
}

// The file at `path` and its `.gz` twin, if any.
Result<StaticFiles::File> ReadFile(const std::filesystem::path& path, std::string_view name,
                                   bool asset) {
  StaticFiles::File file;
  VIGIL_ASSIGN_OR_RETURN(file.body, ReadWhole(path));
  std::filesystem::path gz = path;
  gz += ".gz";
  std::error_code ec;
  if (std::filesystem::is_regular_file(gz, ec)) {
    VIGIL_ASSIGN_OR_RETURN(file.gzip, ReadWhole(gz));
  }
  file.content_type = ContentTypeFor(name);
  file.immutable = asset && IsHashedAssetName(name);
  return file;
}

Response Serve(const StaticFiles::File& file, const RequestContext& ctx) {
  Response r;
  r.content_type = std::string(file.content_type);
  r.headers.set("Content-Security-Policy", kWebClientCsp);
  r.headers.set("Cache-Control", file.immutable                               ? kImmutable
                                 : file.content_type.starts_with("text/html") ? "no-store"
                                                                              : "no-cache");
  if (!file.gzip.empty()) {
    r.headers.set("Vary", "Accept-Encoding");
    if (AcceptsGzip(ctx.Header("Accept-Encoding"))) {
      r.headers.set("Content-Encoding", "gzip");
      r.body = file.gzip;
      return r;
    }
  }
  r.body = file.body;
  return r;
}

}  // namespace

std::span<const WebPage> WebPages() { return kPages; }

bool IsHashedAssetName(std::string_view name) {
  // "<name>-<8 characters>.<extension>": the build's hash may itself hold '-' or '_', so the
  // hash is the last 8 characters of the stem, after a '-'.
  std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot < 10) return false;
  std::string_view stem = name.substr(0, dot);
  if (stem[stem.size() - 9] != '-') return false;
  for (char c : stem.substr(stem.size() - 8))
    if (!IsBase64Url(c)) return false;
  std::string_view extension = name.substr(dot + 1);
  if (extension.empty()) return false;
  for (char c : extension)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::string_view ContentTypeFor(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".wasm", "application/wasm"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".webmanifest", "application/manifest+json"},
  }};
  for (const auto& [extension, type] : kTypes)
    if (name.ends_with(extension)) return type;
  return "application/octet-stream";
}

bool AcceptsGzip(std::string_view header) {
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    auto trim = [](std::string_view s) {
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
      while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
      return s;
    };
    std::size_t semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    if (coding.size() != 4) continue;
    bool gzip = true;
    for (std::size_t i = 0; i < 4; ++i) gzip = gzip && (coding[i] | 0x20) == "gzip"[i];
    if (!gzip) continue;
    if (semi == std::string_view::npos) return true;
    // A weight of zero ("q=0", "q=0.0", "q=0.000") refuses the coding.
    std::string_view params = trim(item.substr(semi + 1));
    if (!(params.starts_with("q=") || params.starts_with("Q="))) return true;
    std::string_view q = trim(params.substr(2));
    bool zero = !q.empty() && q.front() == '0';
    for (char c : q.substr(std::min<std::size_t>(1, q.size())))
      zero = zero && (c == '.' || c == '0');
    return !zero;
  }
  return false;
}

Result<StaticFiles> StaticFiles::Load(const std::filesystem::path& root) {
  StaticFiles files;
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return files;
  for (const WebPage& page : kPages) {
    std::filesystem::path path = root / page.file;
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    VIGIL_ASSIGN_OR_RETURN(auto file, ReadFile(path, page.file, false));
    files.pages_.emplace(std::string(page.file), std::move(file));
  }
  std::filesystem::path assets = root / "assets";
  if (!std::filesystem::is_directory(assets, ec)) return files;
  std::filesystem::directory_iterator it(assets, ec);
  if (ec) return MakeError(Errc::kIo, "cannot list " + assets.string());
  for (const auto& entry : it) {
    std::string name = entry.path().filename().string();
    // Security: only plain files directly in assets/ are listed; nothing a request says is
    // ever joined to a path (threat model T8).
    if (name.empty() || name.front() == '.' || name.ends_with(".gz")) continue;
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec)) continue;
    VIGIL_ASSIGN_OR_RETURN(auto file, ReadFile(entry.path(), name, true));
    files.assets_.emplace(std::move(name), std::move(file));
  }
  return files;
}

const StaticFiles::File* StaticFiles::Page(std::string_view file) const {
  auto it = pages_.find(file);
  return it == pages_.end() ? nullptr : &it->second;
}

const StaticFiles::File* StaticFiles::Asset(std::string_view name) const {
  auto it = assets_.find(name);
  return it == assets_.end() ? nullptr : &it->second;
}

void AddStaticRoutes(http::Server& server, std::shared_ptr<const StaticFiles> files) {
  for (const WebPage& page : kPages) {
    server.Route(http::Verb::get, page.path,
                 [files, file = page.file](RequestContext& ctx) -> asio::awaitable<Response> {
                   if (const StaticFiles::File* f = files->Page(file)) co_return Serve(*f, ctx);
                   // The client was not built: the no-JavaScript form still works.
                   Response r;
                   r.status = HttpStatus::see_other;
                   r.content_type = "text/plain; charset=utf-8";
                   r.headers.set("Location", "/nojs/report");
                   co_return r;
                 });
  }
  server.Route(http::Verb::get, "/assets/{file}",
               [files](RequestContext& ctx) -> asio::awaitable<Response> {
                 if (const StaticFiles::File* f = files->Asset(ctx.Param("file")))
                   co_return Serve(*f, ctx);
                 co_return Response::Error(HttpStatus::not_found, "not_found", "No such resource.");
               });
}

}  // namespace vigil::api

// The web client (web/, built by `make build`) served from the instance's own origin, so no
// page ever loads anything from a CDN or another site (DESIGN.md sections 6 and 8). The files
// are read once at start-up into memory; a request can only name a file that was listed then.
// Contract: docs/api/openapi.yaml ("/", "/report", "/follow-up", "/join", "/admin", "/recover",
// "/assets/{file}").
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/error.h"
#include "http/server.h"

namespace vigil::api {

// One HTML page of the client: the URL path it is served at and its file in the web root.
struct WebPage {
  std::string_view path;
  std::string_view file;
};

// The client's pages. Adding a page to the client is adding it here and to openapi.yaml.
std::span<const WebPage> WebPages();

// The policy of every response of the client: its own scripts, styles and images, requests to
// its own origin, WebAssembly (Argon2id) compiled from those scripts, and nothing else.
// Security: T3 (an injected script cannot load code or send data elsewhere).
inline constexpr char kWebClientCsp[] =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

// Whether a file name carries a content hash the way the build names assets
// ("index-BxT3_k9a.js": a '-' and at least 8 base64url characters before the extension), so
// that it can be cached forever. Pure.
bool IsHashedAssetName(std::string_view name);

// The media type for a file name, by its extension; application/octet-stream when unknown.
std::string_view ContentTypeFor(std::string_view name);

// Whether an Accept-Encoding header accepts gzip (a "gzip" coding whose q is not 0). Pure.
bool AcceptsGzip(std::string_view accept_encoding);

// The files of a built client: the pages of WebPages() and the regular files directly in
// `root/assets` (no subfolders, no names starting with '.'), each with its precompressed
// `name.gz` when the build wrote one. Immutable after Load; safe to share between threads.
class StaticFiles {
 public:
  struct File {
    std::string body;
    std::string gzip;  // empty: no precompressed form
    std::string_view content_type;
    bool immutable = false;
  };

  // Reads `root`. A missing `root` gives an empty set (the client is not built); kIo when a
  // file that is listed cannot be read.
  static Result<StaticFiles> Load(const std::filesystem::path& root);

  // The file of a page ("index.html") or an asset ("index-BxT3_k9a.js"), or null.
  const File* Page(std::string_view file) const;
  const File* Asset(std::string_view name) const;
  // Whether the landing page is there, i.e. the client was built.
  bool HasClient() const { return Page("index.html") != nullptr; }

 private:
  std::map<std::string, File, std::less<>> pages_;
  std::map<std::string, File, std::less<>> assets_;
};

// Adds GET (and so HEAD) for each page of WebPages() and /assets/{file}. HTML is
// `Cache-Control: no-store`; hashed assets are `public, max-age=31536000, immutable`, others
// `no-cache`; every response carries kWebClientCsp; gzip is sent when the client accepts it and
// the build precompressed the file (`Vary: Accept-Encoding`). A page of a client that was not
// built redirects (303) to the no-JavaScript form; an unknown asset is 404 not_found.
void AddStaticRoutes(http::Server& server, std::shared_ptr<const StaticFiles> files);

}  // namespace vigil::api

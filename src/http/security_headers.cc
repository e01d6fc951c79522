#include "http/security_headers.h"

namespace vigil::http {

namespace bhttp = boost::beast::http;

void ApplySecurityHeaders(bhttp::fields& fields) {
  auto set_default = [&](std::string_view name, std::string_view value) {
    if (fields.find(name) == fields.end()) fields.set(name, value);
  };
  set_default("Content-Security-Policy",
              "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  set_default("Cache-Control", "no-store");
  set_default("Referrer-Policy", "no-referrer");
  set_default("X-Content-Type-Options", "nosniff");
  set_default("X-Frame-Options", "DENY");
  set_default("Permissions-Policy",
              "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()");
  set_default("Cross-Origin-Opener-Policy", "same-origin");
  set_default("Cross-Origin-Resource-Policy", "same-origin");
  set_default("Cross-Origin-Embedder-Policy", "require-corp");
}

}  // namespace vigil::http

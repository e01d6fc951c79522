// Headers every response carries (DESIGN.md section 7). Security: they deny the browser every
// capability a response does not need, so an injected script or a framing page gets nothing
// (threat model T3, T8).
#pragma once

#include <boost/beast/http/fields.hpp>

namespace vigil::http {

// Sets the security headers on `fields`, leaving any the handler set itself (a page sets its
// own Content-Security-Policy; a public tile sets its own Cache-Control).
void ApplySecurityHeaders(boost::beast::http::fields& fields);

}  // namespace vigil::http

#include "base/error.h"

#include <cstdio>
#include <cstdlib>

namespace vigil {

std::string_view ErrcName(Errc code) {
  switch (code) {
    case Errc::kInvalidArgument:
      return "invalid_argument";
    case Errc::kNotFound:
      return "not_found";
    case Errc::kAlreadyExists:
      return "already_exists";
    case Errc::kPermissionDenied:
      return "permission_denied";
    case Errc::kUnauthenticated:
      return "unauthenticated";
    case Errc::kResourceExhausted:
      return "resource_exhausted";
    case Errc::kFailedPrecondition:
      return "failed_precondition";
    case Errc::kUnavailable:
      return "unavailable";
    case Errc::kIo:
      return "io_error";
    case Errc::kInternal:
      return "internal";
    case Errc::kMalformed:
      return "malformed";
    case Errc::kNoMatch:
      return "no_match";
    case Errc::kBadHeaderMac:
      return "bad_header_mac";
    case Errc::kCorrupt:
      return "corrupt";
    case Errc::kBadArmor:
      return "bad_armor";
  }
  return "unknown";
}

std::string Error::ToString() const {
  std::string out(ErrcName(code));
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

}  // namespace vigil

namespace boost::system {
void throw_exception_from_error(const vigil::Error& e, const boost::source_location& loc) {
  std::fprintf(stderr, "FATAL %s:%u: value taken from a failed Result: %s\n", loc.file_name(),
               static_cast<unsigned>(loc.line()), e.ToString().c_str());
  std::abort();
}
}  // namespace boost::system

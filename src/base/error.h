// Errors as values: every expected failure in Vigil is an Error returned in a Result<T>.
// Policy (STYLE.md): `detail` is for operators and tests, never sent to a client as is.
#pragma once

#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace vigil {

// A stable, flat list of failure kinds. Values are never renumbered: the API maps them to
// stable error codes (docs/api/openapi.yaml) and the CLI to exit messages.
enum class Errc {
  kInvalidArgument = 1,     // input is malformed or out of range
  kNotFound = 2,            // the named object does not exist
  kAlreadyExists = 3,       // create of something that exists
  kPermissionDenied = 4,    // authenticated but not allowed
  kUnauthenticated = 5,     // bad or missing credentials
  kResourceExhausted = 6,   // a configured limit was hit (size, work factor, quota)
  kFailedPrecondition = 7,  // the system is not in the state the call needs
  kUnavailable = 8,         // a dependency is down or busy; retrying may work
  kIo = 9,                  // the operating system refused a read or write
  kInternal = 10,           // a bug or a library failure that input cannot explain
  // Encrypted-file failure classes (age, docs/formats/age.md); distinct so that callers and the
  // C2SP/CCTV vectors can tell a parse failure from an authentication failure.
  kMalformed = 11,     // the header or a stanza does not parse
  kNoMatch = 12,       // no identity opens any recipient stanza
  kBadHeaderMac = 13,  // a file key was found but the header MAC does not verify
  kCorrupt = 14,       // the payload fails authentication or is truncated
  kBadArmor = 15,      // the ASCII armor does not parse
};

// Stable snake_case name of a code, e.g. "not_found".
std::string_view ErrcName(Errc code);

struct Error {
  Errc code = Errc::kInternal;
  std::string detail;

  // "not_found: <detail>", for logs and CLI messages.
  std::string ToString() const;
};

inline Error MakeError(Errc code, std::string detail) { return Error{code, std::move(detail)}; }

template <typename T>
using Result = boost::system::result<T, Error>;

// Result<void> is spelled Status for readability at call sites.
using Status = boost::system::result<void, Error>;

inline Status OkStatus() { return {}; }

}  // namespace vigil

namespace boost::system {
// boost::system::result calls this when value() is taken from a failed result. Our code checks
// before taking values, so reaching here is a bug: abort with the error text (no exceptions).
[[noreturn]] void throw_exception_from_error(const vigil::Error& e,
                                             const boost::source_location& loc);
}  // namespace boost::system

#define VIGIL_CONCAT_INNER_(a, b) a##b
#define VIGIL_CONCAT_(a, b) VIGIL_CONCAT_INNER_(a, b)

// Returns the error of a failed Result/Status from the enclosing function.
#define VIGIL_RETURN_IF_ERROR(expr)                              \
  do {                                                           \
    auto&& vigil_status_ = (expr);                               \
    if (!vigil_status_) return std::move(vigil_status_).error(); \
  } while (0)

// `lhs = value of expr`, or returns its error from the enclosing function.
#define VIGIL_ASSIGN_OR_RETURN(lhs, expr) \
  VIGIL_ASSIGN_OR_RETURN_IMPL_(VIGIL_CONCAT_(vigil_result_, __LINE__), lhs, expr)
#define VIGIL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp) return std::move(tmp).error();           \
  lhs = std::move(*tmp)

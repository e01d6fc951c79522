#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace vigil::internal {

void CheckFailed(const char* file, int line, const char* expr, const char* message) {
  std::fprintf(stderr, "CHECK failed at %s:%d: %s%s%s\n", file, line, expr, message ? ": " : "",
               message ? message : "");
  std::fflush(stderr);
  std::abort();
}

}  // namespace vigil::internal

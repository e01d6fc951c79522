// CHECK: always-on invariant assertions for programmer errors and broken log invariants.
// Never use CHECK on input: input failures are Errors (STYLE.md, "Errors, in three tiers").
#pragma once

namespace vigil::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr, const char* message);
}  // namespace vigil::internal

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (!(cond)) [[unlikely]]                                             \
      ::vigil::internal::CheckFailed(__FILE__, __LINE__, #cond, nullptr); \
  } while (0)

#define CHECK_MSG(cond, msg)                                            \
  do {                                                                  \
    if (!(cond)) [[unlikely]]                                           \
      ::vigil::internal::CheckFailed(__FILE__, __LINE__, #cond, (msg)); \
  } while (0)

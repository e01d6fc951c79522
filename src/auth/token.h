// Bearer secrets: invitation links, session cookies, read tokens. 32 random bytes as 64 hex
// digits; the server stores only SHA-256 of a token, so a copy of the database opens nothing.
#pragma once

#include <string>
#include <string_view>

#include "base/random.h"

namespace vigil::auth {

inline constexpr std::size_t kTokenHexSize = 64;

std::string NewToken(Random& random);

// True for 64 lower-case hex digits.
bool IsWellFormedToken(std::string_view token);

// SHA-256("vigil token v1\n" || token), hex: what the database keeps.
std::string TokenHash(std::string_view token);

}  // namespace vigil::auth

#include "auth/token.h"

#include <array>

#include "base/hex.h"
#include "crypto/sha256.h"

namespace vigil::auth {

std::string NewToken(Random& random) {
  std::array<std::uint8_t, kTokenHexSize / 2> bytes{};
  random.Fill(bytes);
  return HexEncode(bytes);
}

bool IsWellFormedToken(std::string_view token) {
  if (token.size() != kTokenHexSize) return false;
  for (char c : token)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string TokenHash(std::string_view token) {
  std::string message = "vigil token v1\n";
  message.append(token);
  return HexEncode(crypto::Sha256(AsBytes(message)));
}

}  // namespace vigil::auth

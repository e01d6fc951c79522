#include "crypto/sodium_init.h"

#include <sodium.h>

#include "base/check.h"

namespace vigil::crypto {

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  CHECK_MSG(ok, "libsodium failed to initialise");
}

}  // namespace vigil::crypto

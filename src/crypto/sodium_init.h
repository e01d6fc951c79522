// libsodium must be initialised once before use; every crypto entry point that needs it calls
// EnsureSodium(), which is cheap after the first call and thread-safe.
#pragma once

namespace vigil::crypto {
void EnsureSodium();
}  // namespace vigil::crypto

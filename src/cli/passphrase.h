// Passphrases for the command line: from $VIGIL_PASSPHRASE (for scripts) or typed at the
// terminal without echo.
#pragma once

#include "base/error.h"
#include "base/secret.h"

namespace vigil::cli {

// `confirm` asks twice and fails with kInvalidArgument if the two differ. Fails with
// kFailedPrecondition when there is neither the variable nor a terminal, and kInvalidArgument
// on an empty passphrase.
Result<SecretBytes> ReadPassphrase(const char* prompt, bool confirm);

}  // namespace vigil::cli

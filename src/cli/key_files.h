// Key files for the command line: a log (or witness) signer key, which is secret, and a verifier
// key given either as itself or as a file holding it. Format: docs/formats/log.md
#pragma once

#include <string>

#include "base/error.h"
#include "translog/signed_note.h"

namespace vigil::cli {

// Reads a signer key file (`vigil log keygen`, keys/log.key). The text read is zeroed after
// parsing. Fails with kInvalidArgument when the file holds no signer key, kIo when unreadable.
Result<translog::SignerKey> LoadSignerKey(const std::string& path);

// A verifier key (name+id+base64), or the path of a file holding one. kInvalidArgument when
// neither.
Result<translog::VerifierKey> LoadVerifierKey(const std::string& key_or_path);

}  // namespace vigil::cli

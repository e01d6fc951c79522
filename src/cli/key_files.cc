#include "cli/key_files.h"

#include "base/secret.h"
#include "cli/files.h"

namespace vigil::cli {

Result<translog::SignerKey> LoadSignerKey(const std::string& path) {
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, 4096));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto key = translog::ParseSignerKey(text);
  SecureZero(text.data(), text.size());
  if (!key) return MakeError(Errc::kInvalidArgument, path + " is not a signer key");
  return key;
}

Result<translog::VerifierKey> LoadVerifierKey(const std::string& key_or_path) {
  // Either the key itself (name+id+base64) or a file holding it.
  if (auto key = translog::ParseVerifierKey(key_or_path)) return key;
  auto text = ReadSmallFile(key_or_path, 4096);
  if (!text)
    return MakeError(Errc::kInvalidArgument, "--key is neither a verifier key nor a readable file");
  std::string_view line(*text);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  auto key = translog::ParseVerifierKey(line);
  if (!key) return MakeError(Errc::kInvalidArgument, key_or_path + " does not hold a verifier key");
  return key;
}

}  // namespace vigil::cli

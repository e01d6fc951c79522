#include "crypto/argon2.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace vigil::crypto {
namespace {

Status CheckParams(Argon2Params params) {
  std::uint64_t memory = std::uint64_t{params.memory_kib} * 1024;
  if (params.iterations < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      params.iterations > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      memory < crypto_pwhash_argon2id_MEMLIMIT_MIN || memory > crypto_pwhash_argon2id_MEMLIMIT_MAX)
    return MakeError(Errc::kInvalidArgument, "Argon2id costs out of range");
  return OkStatus();
}

}  // namespace

Result<SecretBytes> Argon2id(ByteSpan password, ByteSpan salt, Argon2Params params,
                             std::size_t length) {
  EnsureSodium();
  if (salt.size() != kArgon2SaltSize)
    return MakeError(Errc::kInvalidArgument, "an Argon2id salt is 16 bytes");
  if (length < crypto_pwhash_argon2id_BYTES_MIN || length > 1024)
    return MakeError(Errc::kInvalidArgument, "bad Argon2id output length");
  VIGIL_RETURN_IF_ERROR(CheckParams(params));
  SecretBytes out(length);
  if (crypto_pwhash(out.data(), out.size(), reinterpret_cast<const char*>(password.data()),
                    password.size(), salt.data(), params.iterations,
                    std::size_t{params.memory_kib} * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return MakeError(Errc::kResourceExhausted, "Argon2id could not allocate its memory");
  return out;
}

Result<std::string> Argon2idHashString(ByteSpan password, Argon2Params params) {
  EnsureSodium();
  VIGIL_RETURN_IF_ERROR(CheckParams(params));
  char out[crypto_pwhash_argon2id_STRBYTES] = {};
  if (crypto_pwhash_argon2id_str(out, reinterpret_cast<const char*>(password.data()),
                                 password.size(), params.iterations,
                                 std::size_t{params.memory_kib} * 1024) != 0)
    return MakeError(Errc::kResourceExhausted, "Argon2id could not allocate its memory");
  return std::string(out);
}

bool Argon2idVerifyString(std::string_view hash, ByteSpan password) {
  EnsureSodium();
  // libsodium wants a NUL-terminated string; a hash longer than the format allows is no hash.
  if (hash.size() >= crypto_pwhash_argon2id_STRBYTES || !hash.starts_with("$argon2id$"))
    return false;
  char text[crypto_pwhash_argon2id_STRBYTES] = {};
  hash.copy(text, hash.size());
  return crypto_pwhash_argon2id_str_verify(text, reinterpret_cast<const char*>(password.data()),
                                           password.size()) == 0;
}

}  // namespace vigil::crypto

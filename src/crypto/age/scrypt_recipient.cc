// Format: docs/formats/age.md ("scrypt")
#include "crypto/age/scrypt_recipient.h"

#include <algorithm>

#include "base/base64.h"
#include "base/check.h"
#include "crypto/aead.h"
#include "crypto/scrypt.h"

namespace vigil::age {
namespace {

constexpr std::string_view kStanzaType = "scrypt";
constexpr std::string_view kLabel = "age-encryption.org/v1/scrypt";
constexpr std::size_t kSaltSize = 16;

Bytes LabelledSalt(ByteSpan salt) {
  Bytes out(kLabel.size() + salt.size());
  std::copy(kLabel.begin(), kLabel.end(), out.begin());
  std::copy(salt.begin(), salt.end(), out.begin() + static_cast<std::ptrdiff_t>(kLabel.size()));
  return out;
}

// ^[1-9][0-9]*$, and small enough to be a work factor at all.
std::optional<int> ParseWorkFactor(std::string_view text) {
  if (text.empty() || text.size() > 2 || text[0] < '1' || text[0] > '9') return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

ScryptRecipient::ScryptRecipient(SecretBytes passphrase, int work_factor)
    : passphrase_(std::move(passphrase)), work_factor_(work_factor) {
  CHECK(work_factor_ >= 1 && work_factor_ <= 30);
}

Result<std::vector<Stanza>> ScryptRecipient::Wrap(const SecretBytes& file_key,
                                                  Random& random) const {
  CHECK(file_key.size() == kFileKeySize);
  Bytes salt = random.Generate(kSaltSize);
  VIGIL_ASSIGN_OR_RETURN(SecretBytes wrap_key,
                         crypto::Scrypt(passphrase_.span(), LabelledSalt(salt), work_factor_, 32));
  Stanza stanza;
  stanza.type = std::string(kStanzaType);
  stanza.args = {Base64Encode(salt, Base64Padding::kUnpadded), std::to_string(work_factor_)};
  stanza.body = SealFileKey(wrap_key, file_key);
  return std::vector<Stanza>{std::move(stanza)};
}

Result<std::optional<SecretBytes>> ScryptIdentity::Unwrap(std::span<const Stanza> stanzas) const {
  for (const Stanza& s : stanzas) {
    if (s.type != kStanzaType) continue;
    // Security: passphrase files must not be mixable with other recipients, which would let
    // anyone holding one of them re-encrypt a file the reader believes authenticated (age spec).
    if (stanzas.size() != 1)
      return MakeError(Errc::kMalformed, "an scrypt stanza must be alone in the header");
    if (s.args.size() != 2) return MakeError(Errc::kMalformed, "scrypt stanza needs two arguments");
    auto salt = Base64Decode(s.args[0], Base64Padding::kUnpadded);
    if (!salt || salt->size() != kSaltSize)
      return MakeError(Errc::kMalformed, "scrypt salt is not 16 bytes of canonical base64");
    std::optional<int> work_factor = ParseWorkFactor(s.args[1]);
    if (!work_factor) return MakeError(Errc::kMalformed, "scrypt work factor is not a decimal");
    // Security: T9, a hostile file must not burn minutes of CPU and gigabytes of memory.
    if (*work_factor > max_work_factor_)
      return MakeError(Errc::kResourceExhausted,
                       "scrypt work factor " + std::to_string(*work_factor) +
                           " exceeds the limit " + std::to_string(max_work_factor_));
    if (s.body.size() != kFileKeySize + crypto::kAeadTagSize)
      return MakeError(Errc::kMalformed, "scrypt stanza body is not 32 bytes");
    VIGIL_ASSIGN_OR_RETURN(
        SecretBytes wrap_key,
        crypto::Scrypt(passphrase_.span(), LabelledSalt(*salt), *work_factor, 32));
    if (auto file_key = OpenFileKey(wrap_key, s.body)) return file_key;
  }
  return std::optional<SecretBytes>();
}

}  // namespace vigil::age

// Format: docs/formats/age.md ("X25519")
#include "crypto/age/x25519_recipient.h"

#include <algorithm>
#include <cctype>

#include "base/base64.h"
#include "base/bech32.h"
#include "base/check.h"
#include "crypto/aead.h"
#include "crypto/hmac.h"

namespace vigil::age {
namespace {

constexpr std::string_view kStanzaType = "X25519";
constexpr std::string_view kLabel = "age-encryption.org/v1/X25519";
constexpr std::string_view kRecipientHrp = "age";
constexpr std::string_view kIdentityHrp = "age-secret-key-";

SecretBytes WrapKey(const SecretBytes& shared, ByteSpan share, ByteSpan recipient) {
  Bytes salt(share.begin(), share.end());
  salt.insert(salt.end(), recipient.begin(), recipient.end());
  return crypto::HkdfSha256(shared.span(), salt, AsBytes(kLabel), 32);
}

}  // namespace

Result<X25519Recipient> X25519Recipient::Parse(std::string_view text) {
  for (char c : text) {
    if (std::isupper(static_cast<unsigned char>(c)))
      return MakeError(Errc::kInvalidArgument, "recipient must be lower case");
  }
  auto decoded = Bech32Decode(text);
  if (!decoded || decoded->hrp != kRecipientHrp || decoded->data.size() != crypto::kX25519KeySize)
    return MakeError(Errc::kInvalidArgument, "not an age X25519 recipient (age1...)");
  crypto::X25519PublicKey key{};
  std::copy(decoded->data.begin(), decoded->data.end(), key.begin());
  return X25519Recipient(key);
}

std::string X25519Recipient::ToString() const { return Bech32Encode(kRecipientHrp, key_); }

Result<std::vector<Stanza>> X25519Recipient::Wrap(const SecretBytes& file_key,
                                                  Random& random) const {
  CHECK(file_key.size() == kFileKeySize);
  SecretBytes ephemeral = crypto::GenerateX25519PrivateKey(random);
  crypto::X25519PublicKey share = crypto::X25519PublicFromPrivate(ephemeral);
  VIGIL_ASSIGN_OR_RETURN(SecretBytes shared, crypto::X25519(ephemeral, key_));
  SecretBytes wrap_key = WrapKey(shared, share, key_);
  Stanza stanza;
  stanza.type = std::string(kStanzaType);
  stanza.args.push_back(Base64Encode(share, Base64Padding::kUnpadded));
  stanza.body = SealFileKey(wrap_key, file_key);
  return std::vector<Stanza>{std::move(stanza)};
}

X25519Identity::X25519Identity(SecretBytes secret)
    : secret_(std::move(secret)), public_key_(crypto::X25519PublicFromPrivate(secret_)) {}

X25519Identity X25519Identity::Generate(Random& random) {
  return X25519Identity(crypto::GenerateX25519PrivateKey(random));
}

Result<X25519Identity> X25519Identity::Parse(std::string_view text) {
  for (char c : text) {
    if (std::islower(static_cast<unsigned char>(c)))
      return MakeError(Errc::kInvalidArgument, "identity must be upper case");
  }
  auto decoded = Bech32Decode(text);
  if (!decoded || decoded->hrp != kIdentityHrp || decoded->data.size() != crypto::kX25519KeySize)
    return MakeError(Errc::kInvalidArgument, "not an age X25519 identity (AGE-SECRET-KEY-1...)");
  X25519Identity identity{SecretBytes(decoded->data)};
  SecureZero(decoded->data.data(), decoded->data.size());
  return identity;
}

SecretBytes X25519Identity::Encode() const {
  std::string text = Bech32Encode(kIdentityHrp, secret_.span());
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  SecretBytes out(AsBytes(text));
  SecureZero(text.data(), text.size());
  return out;
}

Result<std::optional<SecretBytes>> X25519Identity::Unwrap(std::span<const Stanza> stanzas) const {
  for (const Stanza& s : stanzas) {
    if (s.type != kStanzaType) continue;
    if (s.args.size() != 1) return MakeError(Errc::kMalformed, "X25519 stanza needs one argument");
    auto share = Base64Decode(s.args[0], Base64Padding::kUnpadded);
    if (!share || share->size() != crypto::kX25519KeySize)
      return MakeError(Errc::kMalformed, "X25519 share is not 32 bytes of canonical base64");
    // Security: check the length before decrypting, against partitioning oracles (age spec).
    if (s.body.size() != kFileKeySize + crypto::kAeadTagSize)
      return MakeError(Errc::kMalformed, "X25519 stanza body is not 32 bytes");
    auto shared = crypto::X25519(secret_, *share);
    if (!shared) return MakeError(Errc::kMalformed, "X25519 share is a low-order point");
    SecretBytes wrap_key = WrapKey(*shared, *share, public_key_);
    if (auto file_key = OpenFileKey(wrap_key, s.body)) return file_key;
  }
  return std::optional<SecretBytes>();
}

}  // namespace vigil::age

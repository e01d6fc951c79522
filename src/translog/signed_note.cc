#include "translog/signed_note.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "base/base64.h"
#include "base/hex.h"
#include "crypto/sha256.h"
#include "translog/cosignature.h"

// Format: docs/formats/log.md
namespace vigil::translog {
namespace {

// "— ": U+2014 EM DASH then a space.
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";
constexpr std::string_view kSignerKeyPrefix = "PRIVATE+KEY+";
constexpr std::size_t kTypedKeySize = 1 + crypto::kEd25519PublicKeySize;

// Decodes the code point at s[i] and moves i past it; nullopt for anything that is not
// shortest-form UTF-8 of a scalar value (overlong forms, surrogates and values past U+10FFFF are
// rejected, as Go's utf8.DecodeRune does).
std::optional<std::uint32_t> NextCodePoint(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  std::uint8_t lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  std::size_t length;
  std::uint32_t cp;
  std::uint32_t min;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1Fu, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0Fu, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07u, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (s.size() - i < length) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    std::uint8_t c = byte(i + k);
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = cp << 6 | (c & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  i += length;
  return cp;
}

// The Unicode White_Space property (what Go's unicode.IsSpace tests).
bool IsUnicodeSpace(std::uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Valid UTF-8 with no control character other than '\n' (signed-note "Format").
bool HasOnlyNoteCharacters(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto cp = NextCodePoint(s, i);
    if (!cp || (*cp < 0x20 && *cp != '\n')) return false;
  }
  return true;
}

std::array<std::uint8_t, 4> KeyIdBytes(KeyId id) {
  return {static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
          static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
}

KeyId KeyIdFromBytes(ByteSpan b) {
  return KeyId{b[0]} << 24 | KeyId{b[1]} << 16 | KeyId{b[2]} << 8 | KeyId{b[3]};
}

// Exactly 8 lower-case hex digits, the spec's fixed-length lower-case encoding.
std::optional<KeyId> ParseKeyIdHex(std::string_view hex) {
  if (hex.size() != 8) return std::nullopt;
  KeyId id = 0;
  for (char c : hex) {
    KeyId digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<KeyId>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<KeyId>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    id = id << 4 | digit;
  }
  return id;
}

std::string KeyIdHex(KeyId id) { return HexEncode(KeyIdBytes(id)); }

// `<name>+<hex id>+<base64>`, the shape shared by verifier and signer key strings.
struct KeyStringParts {
  std::string_view name;
  std::string_view id_hex;
  std::string_view key_base64;
};

std::optional<KeyStringParts> SplitKeyString(std::string_view text) {
  std::size_t first = text.find('+');
  if (first == std::string_view::npos) return std::nullopt;
  std::size_t second = text.find('+', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return KeyStringParts{text.substr(0, first), text.substr(first + 1, second - first - 1),
                        text.substr(second + 1)};
}

// Zeroes a byte vector holding key material when it goes out of scope, on every return path.
class BytesWiper {
 public:
  explicit BytesWiper(Bytes& bytes) : bytes_(bytes) {}
  ~BytesWiper() { SecureZero(bytes_.data(), bytes_.size()); }
  BytesWiper(const BytesWiper&) = delete;
  BytesWiper& operator=(const BytesWiper&) = delete;

 private:
  Bytes& bytes_;
};

NoteSignature Sign(std::string_view text, const SignerKey& signer) {
  crypto::Ed25519Signature sig = signer.private_key().Sign(AsBytes(text));
  return NoteSignature{signer.name(), signer.id(), Bytes(sig.begin(), sig.end())};
}

bool VerifySignatureBytes(const VerifierKey& key, std::string_view text, ByteSpan signature) {
  switch (key.type) {
    case kSignatureTypeEd25519: {
      if (signature.size() != crypto::kEd25519SignatureSize) return false;
      crypto::Ed25519Signature sig;
      std::copy(signature.begin(), signature.end(), sig.begin());
      return crypto::Ed25519Verify(key.public_key, AsBytes(text), sig);
    }
    case kSignatureTypeCosignatureV1:
      return VerifyCosignatureBytes(key.public_key, text, signature).has_value();
    default:
      return false;
  }
}

std::string KeyLabel(std::string_view name, KeyId id) {
  return std::string(name) + "+" + KeyIdHex(id);
}

}  // namespace

KeyId ComputeKeyId(std::string_view key_name, std::uint8_t signature_type, ByteSpan public_key) {
  crypto::Sha256Hasher hasher;
  hasher.Update(AsBytes(key_name));
  const std::uint8_t separator[2] = {'\n', signature_type};
  hasher.Update(separator);
  hasher.Update(public_key);
  crypto::Sha256Digest digest = hasher.Finish();
  return KeyIdFromBytes(digest);
}

bool IsValidKeyName(std::string_view key_name) {
  if (key_name.empty()) return false;
  std::size_t i = 0;
  while (i < key_name.size()) {
    auto cp = NextCodePoint(key_name, i);
    if (!cp || *cp < 0x20 || *cp == '+' || IsUnicodeSpace(*cp)) return false;
  }
  return true;
}

Status ValidateNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n')
    return MakeError(Errc::kMalformed, "note: text does not end in a newline");
  if (!HasOnlyNoteCharacters(text))
    return MakeError(Errc::kMalformed, "note: text is not UTF-8 or holds a control character");
  return OkStatus();
}

Result<VerifierKey> MakeVerifierKey(std::string_view name, std::uint8_t type,
                                    const crypto::Ed25519PublicKey& public_key) {
  if (!IsValidKeyName(name)) return MakeError(Errc::kInvalidArgument, "vkey: invalid key name");
  if (type != kSignatureTypeEd25519 && type != kSignatureTypeCosignatureV1)
    return MakeError(Errc::kInvalidArgument, "vkey: unsupported signature type");
  return VerifierKey{std::string(name), ComputeKeyId(name, type, public_key), type, public_key};
}

Result<VerifierKey> ParseVerifierKey(std::string_view text) {
  auto parts = SplitKeyString(text);
  if (!parts) return MakeError(Errc::kInvalidArgument, "vkey: not <name>+<id>+<key>");
  if (!IsValidKeyName(parts->name))
    return MakeError(Errc::kInvalidArgument, "vkey: invalid key name");
  auto id = ParseKeyIdHex(parts->id_hex);
  if (!id) return MakeError(Errc::kInvalidArgument, "vkey: key id is not 8 lower-case hex digits");
  auto raw = Base64Decode(parts->key_base64);
  if (!raw) return MakeError(Errc::kInvalidArgument, "vkey: key is not canonical base64");
  if (raw->size() != kTypedKeySize)
    return MakeError(Errc::kInvalidArgument, "vkey: key is not a type byte and 32 bytes");
  crypto::Ed25519PublicKey public_key;
  std::copy(raw->begin() + 1, raw->end(), public_key.begin());
  VIGIL_ASSIGN_OR_RETURN(VerifierKey key, MakeVerifierKey(parts->name, (*raw)[0], public_key));
  if (key.id != *id)
    return MakeError(Errc::kInvalidArgument, "vkey: key id does not match the key");
  return key;
}

std::string FormatVerifierKey(const VerifierKey& key) {
  Bytes raw;
  raw.reserve(kTypedKeySize);
  raw.push_back(key.type);
  raw.insert(raw.end(), key.public_key.begin(), key.public_key.end());
  return key.name + "+" + KeyIdHex(key.id) + "+" + Base64Encode(raw);
}

Result<SignerKey> SignerKey::Create(std::string name, crypto::Ed25519PrivateKey key) {
  if (!IsValidKeyName(name)) return MakeError(Errc::kInvalidArgument, "skey: invalid key name");
  KeyId id = ComputeKeyId(name, kSignatureTypeEd25519, key.public_key());
  return SignerKey(std::move(name), id, std::move(key));
}

VerifierKey SignerKey::verifier_key() const {
  return VerifierKey{name_, id_, kSignatureTypeEd25519, key_.public_key()};
}

Result<SignerKey> GenerateSignerKey(std::string_view name, Random& random) {
  if (!IsValidKeyName(name)) return MakeError(Errc::kInvalidArgument, "skey: invalid key name");
  return SignerKey::Create(std::string(name), crypto::Ed25519PrivateKey::Generate(random));
}

Result<SignerKey> ParseSignerKey(std::string_view text) {
  // Security: the input is a private key; no error below quotes any part of it.
  if (!text.starts_with(kSignerKeyPrefix))
    return MakeError(Errc::kInvalidArgument, "skey: does not start with PRIVATE+KEY+");
  auto parts = SplitKeyString(text.substr(kSignerKeyPrefix.size()));
  if (!parts) return MakeError(Errc::kInvalidArgument, "skey: not PRIVATE+KEY+<name>+<id>+<key>");
  if (!IsValidKeyName(parts->name))
    return MakeError(Errc::kInvalidArgument, "skey: invalid key name");
  auto id = ParseKeyIdHex(parts->id_hex);
  if (!id) return MakeError(Errc::kInvalidArgument, "skey: key id is not 8 lower-case hex digits");
  auto decoded = Base64Decode(parts->key_base64);
  if (!decoded) return MakeError(Errc::kInvalidArgument, "skey: key is not canonical base64");
  Bytes raw = std::move(*decoded);
  BytesWiper wipe(raw);
  if (raw.size() != 1 + crypto::kEd25519SeedSize || raw[0] != kSignatureTypeEd25519)
    return MakeError(Errc::kInvalidArgument, "skey: key is not type 0x01 and a 32-byte seed");
  crypto::Ed25519PrivateKey key(ByteSpan(raw).subspan(1));
  VIGIL_ASSIGN_OR_RETURN(SignerKey signer,
                         SignerKey::Create(std::string(parts->name), std::move(key)));
  // The id covers the public key, so this also catches a seed that does not belong to the name.
  if (signer.id() != *id)
    return MakeError(Errc::kInvalidArgument, "skey: key id does not match the key");
  return signer;
}

SecretBytes FormatSignerKey(const SignerKey& key) {
  Bytes raw(1 + crypto::kEd25519SeedSize);
  BytesWiper wipe_raw(raw);
  raw[0] = kSignatureTypeEd25519;
  std::copy(key.private_key().seed().span().begin(), key.private_key().seed().span().end(),
            raw.begin() + 1);
  std::string encoded = Base64Encode(raw);
  std::string id_hex = KeyIdHex(key.id());
  // Assembled straight into zeroing memory, so no growing string leaves copies on the heap.
  SecretBytes out(kSignerKeyPrefix.size() + key.name().size() + 1 + id_hex.size() + 1 +
                  encoded.size());
  std::uint8_t* p = out.data();
  auto put = [&p](std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  put(kSignerKeyPrefix);
  put(key.name());
  put("+");
  put(id_hex);
  put("+");
  put(encoded);
  SecureZero(encoded.data(), encoded.size());
  return out;
}

Result<Note> ParseNote(std::string_view bytes) {
  if (bytes.size() > kMaxNoteBytes) return MakeError(Errc::kMalformed, "note: larger than 1 MiB");
  if (!HasOnlyNoteCharacters(bytes))
    return MakeError(Errc::kMalformed, "note: not UTF-8 or holds a control character");
  // The text ends at the last blank line: the text itself may hold blank lines.
  std::size_t split = bytes.rfind("\n\n");
  if (split == std::string_view::npos)
    return MakeError(Errc::kMalformed, "note: no blank line before the signatures");
  Note note;
  note.text = std::string(bytes.substr(0, split + 1));
  std::string_view rest = bytes.substr(split + 2);
  if (rest.empty()) return MakeError(Errc::kMalformed, "note: no signature");
  if (rest.back() != '\n')
    return MakeError(Errc::kMalformed, "note: last line does not end in a newline");
  while (!rest.empty()) {
    // Security: bound the work an attacker can ask for before any verification.
    if (note.signatures.size() == kMaxNoteSignatures)
      return MakeError(Errc::kMalformed, "note: more than 100 signatures");
    std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    if (!line.starts_with(kSignaturePrefix))
      return MakeError(Errc::kMalformed, "note: signature line does not start with an em dash");
    line.remove_prefix(kSignaturePrefix.size());
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos)
      return MakeError(Errc::kMalformed, "note: signature line has no space after the key name");
    std::string_view name = line.substr(0, space);
    if (!IsValidKeyName(name)) return MakeError(Errc::kMalformed, "note: invalid key name");
    auto raw = Base64Decode(line.substr(space + 1));
    if (!raw) return MakeError(Errc::kMalformed, "note: signature is not canonical base64");
    if (raw->size() < 5) return MakeError(Errc::kMalformed, "note: signature shorter than 5 bytes");
    note.signatures.push_back(NoteSignature{std::string(name), KeyIdFromBytes(*raw),
                                            Bytes(raw->begin() + 4, raw->end())});
  }
  return note;
}

Result<std::string> FormatNote(const Note& note) {
  if (!ValidateNoteText(note.text)) return MakeError(Errc::kInvalidArgument, "note: invalid text");
  if (note.signatures.empty()) return MakeError(Errc::kInvalidArgument, "note: no signature");
  if (note.signatures.size() > kMaxNoteSignatures)
    return MakeError(Errc::kInvalidArgument, "note: more than 100 signatures");
  std::string out = note.text;
  out += '\n';
  for (const NoteSignature& sig : note.signatures) {
    if (!IsValidKeyName(sig.key_name))
      return MakeError(Errc::kInvalidArgument, "note: invalid key name");
    if (sig.signature.empty()) return MakeError(Errc::kInvalidArgument, "note: empty signature");
    Bytes raw;
    raw.reserve(4 + sig.signature.size());
    auto id = KeyIdBytes(sig.key_id);
    raw.insert(raw.end(), id.begin(), id.end());
    raw.insert(raw.end(), sig.signature.begin(), sig.signature.end());
    out += kSignaturePrefix;
    out += sig.key_name;
    out += ' ';
    out += Base64Encode(raw);
    out += '\n';
  }
  if (out.size() > kMaxNoteBytes)
    return MakeError(Errc::kInvalidArgument, "note: larger than 1 MiB");
  return out;
}

Result<Note> SignNote(std::string_view text, const SignerKey& signer) {
  if (!ValidateNoteText(text)) return MakeError(Errc::kInvalidArgument, "note: invalid text");
  return Note{std::string(text), {Sign(text, signer)}};
}

Status AddNoteSignature(Note& note, const SignerKey& signer) {
  if (!ValidateNoteText(note.text)) return MakeError(Errc::kInvalidArgument, "note: invalid text");
  NoteSignature sig = Sign(note.text, signer);
  auto same_key = [&](const NoteSignature& s) {
    return s.key_name == sig.key_name && s.key_id == sig.key_id;
  };
  auto it = std::find_if(note.signatures.begin(), note.signatures.end(), same_key);
  if (it != note.signatures.end()) {
    *it = std::move(sig);
    return OkStatus();
  }
  if (note.signatures.size() >= kMaxNoteSignatures)
    return MakeError(Errc::kResourceExhausted, "note: would carry more than 100 signatures");
  note.signatures.push_back(std::move(sig));
  return OkStatus();
}

Result<std::vector<std::size_t>> VerifyNote(const Note& note, std::span<const TrustedKey> trusted) {
  for (std::size_t i = 0; i < trusted.size(); ++i) {
    for (std::size_t j = i + 1; j < trusted.size(); ++j) {
      if (trusted[i].key.name == trusted[j].key.name && trusted[i].key.id == trusted[j].key.id)
        return MakeError(
            Errc::kInvalidArgument,
            "note: two trusted keys are both " + KeyLabel(trusted[i].key.name, trusted[i].key.id));
    }
  }
  std::vector<bool> signed_by(trusted.size(), false);
  for (const NoteSignature& sig : note.signatures) {
    // Name and id together identify a key; a match on one alone is someone else's key.
    auto it = std::find_if(trusted.begin(), trusted.end(), [&](const TrustedKey& t) {
      return t.key.name == sig.key_name && t.key.id == sig.key_id;
    });
    if (it == trusted.end()) continue;
    // Security: one bad signature from a trusted key rejects the whole note (signed-note
    // "Signatures": clients SHOULD), rather than letting a forged line sit beside a good one.
    if (!VerifySignatureBytes(it->key, note.text, sig.signature))
      return MakeError(Errc::kUnauthenticated,
                       "note: bad signature by " + KeyLabel(sig.key_name, sig.key_id));
    signed_by[static_cast<std::size_t>(it - trusted.begin())] = true;
  }
  std::vector<std::size_t> signers;
  for (std::size_t i = 0; i < trusted.size(); ++i) {
    if (signed_by[i]) {
      signers.push_back(i);
    } else if (trusted[i].required) {
      return MakeError(Errc::kUnauthenticated,
                       "note: no signature by " + KeyLabel(trusted[i].key.name, trusted[i].key.id));
    }
  }
  if (signers.empty()) return MakeError(Errc::kUnauthenticated, "note: no trusted key signed it");
  return signers;
}

}  // namespace vigil::translog

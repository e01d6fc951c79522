// C2SP signed notes: a UTF-8 text followed by signature lines, and the key strings that name the
// keys. Checkpoints and witness cosignatures are carried in this envelope.
// Format: docs/formats/log.md
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/random.h"
#include "base/secret.h"
#include "crypto/ed25519.h"

namespace vigil::translog {

// Signature type bytes assigned by c2sp.org/signed-note. Only these two are implemented.
inline constexpr std::uint8_t kSignatureTypeEd25519 = 0x01;
inline constexpr std::uint8_t kSignatureTypeCosignatureV1 = 0x04;  // c2sp.org/tlog-cosignature

// Limits applied by ParseNote. The spec asks verifiers to accept at least 16 signatures.
inline constexpr std::size_t kMaxNoteBytes = 1 << 20;
inline constexpr std::size_t kMaxNoteSignatures = 100;

// The 32-bit key id: the first four bytes, big-endian, of
// SHA-256(key name || 0x0A || signature type || public key).
using KeyId = std::uint32_t;

KeyId ComputeKeyId(std::string_view key_name, std::uint8_t signature_type, ByteSpan public_key);

// A key name is non-empty valid UTF-8 with no Unicode white space, no '+' and no control
// character below U+0020 (the last is stricter than the spec: such a name could never appear in
// a well-formed note).
bool IsValidKeyName(std::string_view key_name);

// Checks `text` as a note text: non-empty, valid UTF-8, no control characters other than '\n',
// ending in '\n'. Fails with kMalformed.
Status ValidateNoteText(std::string_view text);

// A public key that verifies note signatures: `<name>+<8 hex digits of id>+<base64(type || key)>`.
// `type` is kSignatureTypeEd25519 (plain note signatures) or kSignatureTypeCosignatureV1
// (witness cosignatures over a checkpoint); both carry a 32-byte Ed25519 public key.
struct VerifierKey {
  std::string name;
  KeyId id = 0;
  std::uint8_t type = kSignatureTypeEd25519;
  crypto::Ed25519PublicKey public_key{};

  friend bool operator==(const VerifierKey&, const VerifierKey&) = default;
};

// Builds a verifier key, computing its id. Fails with kInvalidArgument on an invalid name or a
// type other than the two above.
Result<VerifierKey> MakeVerifierKey(std::string_view name, std::uint8_t type,
                                    const crypto::Ed25519PublicKey& public_key);

// Parses a verifier key string. Strict: the id is exactly 8 lower-case hex digits and must equal
// the id computed from the name, type and key; base64 is canonical and padded. Fails with
// kInvalidArgument.
Result<VerifierKey> ParseVerifierKey(std::string_view text);

std::string FormatVerifierKey(const VerifierKey& key);

// An Ed25519 note signing key with its name. Move-only; the seed lives in SecretBytes.
// Thread-safe for concurrent const use.
class SignerKey {
 public:
  // Fails with kInvalidArgument when `name` is not a valid key name.
  static Result<SignerKey> Create(std::string name, crypto::Ed25519PrivateKey key);

  SignerKey(SignerKey&&) = default;
  SignerKey& operator=(SignerKey&&) = default;

  const std::string& name() const { return name_; }
  // The id for signature type 0x01 (the one in the signer key string).
  KeyId id() const { return id_; }
  const crypto::Ed25519PrivateKey& private_key() const { return key_; }
  // The matching type 0x01 verifier key.
  VerifierKey verifier_key() const;

 private:
  SignerKey(std::string name, KeyId id, crypto::Ed25519PrivateKey key)
      : name_(std::move(name)), id_(id), key_(std::move(key)) {}

  std::string name_;
  KeyId id_;
  crypto::Ed25519PrivateKey key_;
};

// A fresh key named `name`. Fails with kInvalidArgument on an invalid name.
Result<SignerKey> GenerateSignerKey(std::string_view name, Random& random);

// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || 32-byte seed)>`, checking the id against
// the derived public key. Only type 0x01 is accepted (a witness uses the same key string; its
// cosignature key id is derived with type 0x04, see cosignature.h). Fails with kInvalidArgument;
// the error detail never quotes the input, which is a secret.
Result<SignerKey> ParseSignerKey(std::string_view text);

// The signer key string, in memory that is zeroed when released.
SecretBytes FormatSignerKey(const SignerKey& key);

// One signature line: `— <key_name> base64(key_id || signature)`.
struct NoteSignature {
  std::string key_name;
  KeyId key_id = 0;
  Bytes signature;  // the bytes after the key id; never empty in a parsed note

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

// A note: its text (ending in '\n', without the blank separator line) and its signature lines in
// the order they appear, from known and unknown keys alike. Nothing here is verified.
struct Note {
  std::string text;
  std::vector<NoteSignature> signatures;
};

// Parses a signed note. Strict: fails with kMalformed when the note is larger than kMaxNoteBytes,
// is not valid UTF-8, holds a control character other than '\n', has no blank line before the
// signatures, has no signature or more than kMaxNoteSignatures, or a signature line that is not
// exactly `— <valid key name> <canonical padded base64 of at least 5 bytes>\n`.
// The text must not be trusted before VerifyNote succeeds.
Result<Note> ParseNote(std::string_view bytes);

// Encodes a note. For a note returned by ParseNote the result is the parsed bytes exactly.
// Fails with kInvalidArgument when the note would not parse (bad text, no signature, too many,
// an invalid key name, an empty signature, or too large).
Result<std::string> FormatNote(const Note& note);

// Signs `text` with `signer`: returns a note with that one signature. Fails with
// kInvalidArgument when `text` is not a valid note text.
Result<Note> SignNote(std::string_view text, const SignerKey& signer);

// Adds `signer`'s signature to `note`, replacing any line with the same key name and id.
// Fails with kInvalidArgument on an invalid text and kResourceExhausted when the note would
// carry more than kMaxNoteSignatures signatures.
Status AddNoteSignature(Note& note, const SignerKey& signer);

// A key VerifyNote trusts, and whether the note must carry a valid signature from it.
struct TrustedKey {
  VerifierKey key;
  bool required = true;
};

// Verifies `note` against `trusted` keys (signed-note "Signatures"). A signature line is matched
// to a trusted key by key name and key id together; lines that match no trusted key are ignored.
// Every line that matches is verified. Returns the indices into `trusted` of the keys that
// signed, ascending. Fails with:
//  - kUnauthenticated when a matched signature does not verify, when a required key did not sign,
//    or when no trusted key signed at all;
//  - kInvalidArgument when two trusted keys share a name and id.
// A type 0x04 key verifies a cosignature/v1 line (cosignature.h) over the note text.
Result<std::vector<std::size_t>> VerifyNote(const Note& note, std::span<const TrustedKey> trusted);

}  // namespace vigil::translog

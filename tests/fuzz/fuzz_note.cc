// Fuzzes the signed-note parser and verifier with fixed trusted keys: a type 0x01 key and a type
// 0x04 witness key. Properties: a note that parses formats back to exactly its input bytes, and
// verification never crashes. Seeds (corpus/note/) are the example notes of the C2SP
// signed-note, tlog-checkpoint and tlog-cosignature specs and of the Go sumdb/note tests.
#include <cstdlib>
#include <string_view>
#include <vector>

#include "translog/signed_note.h"

namespace {

std::vector<vigil::translog::TrustedKey> MakeTrusted() {
  std::vector<vigil::translog::TrustedKey> out;
  for (std::string_view text :
       {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"}) {
    auto key = vigil::translog::ParseVerifierKey(text);
    if (!key) std::abort();
    out.push_back({*key, false});
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto note = vigil::translog::ParseNote(input);
  if (!note) return 0;
  auto again = vigil::translog::FormatNote(*note);
  if (!again || *again != input) std::abort();
  static const std::vector<vigil::translog::TrustedKey> trusted = MakeTrusted();
  auto signers = vigil::translog::VerifyNote(*note, trusted);
  if (signers && signers->empty()) std::abort();  // success means some trusted key signed
  return 0;
}

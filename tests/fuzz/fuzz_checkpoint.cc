// Fuzzes the checkpoint body parser, and cosignature decoding on any note that parses.
// Properties: a body that parses formats back to exactly its input; nothing crashes. Seeds
// (corpus/checkpoint/) are the checkpoints of the C2SP tlog-checkpoint and tlog-cosignature
// specs, the Go sumdb/tlog tests and transparency-dev/formats tests.
#include <cstdlib>
#include <string_view>

#include "translog/checkpoint.h"
#include "translog/cosignature.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto checkpoint = vigil::translog::ParseCheckpoint(input);
  if (checkpoint) {
    auto again = vigil::translog::FormatCheckpoint(*checkpoint);
    if (!again || *again != input) std::abort();
  }
  auto note = vigil::translog::ParseNote(input);
  if (!note) return 0;
  if (!vigil::translog::ParseCheckpoint(note->text)) return 0;
  static const auto witness = vigil::translog::ParseVerifierKey(
      "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2");
  if (!witness) std::abort();
  for (const auto& line : note->signatures) {
    auto decoded = vigil::translog::DecodeCosignatureV1(line.signature);
    if (decoded && vigil::translog::EncodeCosignatureV1(*decoded) != line.signature) std::abort();
    (void)vigil::translog::VerifyCosignature(note->text, line, *witness);
  }
  return 0;
}

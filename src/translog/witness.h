// A witness: checks that a log's new checkpoint is consistent with the last one it cosigned,
// then cosigns it (C2SP tlog-cosignature). A witness that persists its state before releasing
// a cosignature never vouches for two forks of one log. Format: docs/formats/log.md
#pragma once

#include <optional>
#include <string>

#include "base/clock.h"
#include "base/error.h"
#include "translog/checkpoint.h"
#include "translog/signed_note.h"
#include "translog/tile_reader.h"

namespace vigil::translog {

// What a witness remembers of one log: the last checkpoint it cosigned.
struct WitnessState {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
};

std::string FormatWitnessState(const WitnessState& state);
Result<WitnessState> ParseWitnessState(std::string_view text);

struct WitnessResult {
  WitnessState state;     // to persist before releasing the cosignature
  std::string cosigned;   // the checkpoint note with the witness's cosignature attached
  bool advanced = false;  // the log grew since the last cosignature
};

// Fetches the log's checkpoint, verifies it with `log_key`, proves consistency with `previous`
// from the log's tiles, and cosigns. Fails with kUnauthenticated when the checkpoint is not
// signed, belongs to another log, shrank, forked, or the tiles do not prove consistency.
Result<WitnessResult> WitnessCheckpoint(const Fetch& fetch, const VerifierKey& log_key,
                                        const std::optional<WitnessState>& previous,
                                        const SignerKey& witness, const Clock& clock);

}  // namespace vigil::translog

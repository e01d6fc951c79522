// A consistent copy of a live SQLite database, taken with SQLite's online backup API: one read
// snapshot, while vigild keeps writing (in WAL mode a reader never blocks the writer). For
// `vigil backup`; the copy is an index like the original, rebuilt from the log when in doubt.
#pragma once

#include <filesystem>

#include "base/error.h"

namespace vigil::store {

// Copies the database at `from` to the new file `to` (which must not exist), as of one moment.
// Does not sync `to`: the caller makes it durable. Fails with kNotFound (no database at
// `from`), kAlreadyExists (`to` exists), kUnavailable (busy for longer than the busy time-out,
// or cannot be opened) or kIo.
Status CopySqliteDatabase(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace vigil::store

// Subcommand groups of the `vigil` command. Each Register function adds its subcommands to the
// app; the one the user picks stores its action in `action`, which main runs after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "base/error.h"

namespace vigil::cli {

using Action = std::function<Status()>;

// keygen, encrypt, decrypt (flags as in the age tool).
void RegisterAgeCommands(CLI::App& app, Action& action);

// log keygen (and, as the appender lands, init, append, verify, prove, witness).
void RegisterLogCommands(CLI::App& app, Action& action);

// init: a new instance's data directory.
void RegisterInitCommand(CLI::App& app, Action& action);

// vigil rebuild
void RegisterRebuildCommand(CLI::App& app, Action& action);

// vigil invite
void RegisterInviteCommand(CLI::App& app, Action& action);

// vigil backup (and backup verify), vigil restore.
void RegisterBackupCommands(CLI::App& app, Action& action);

// vigil verify-export: a court-ready case package checked offline.
void RegisterExportCommand(CLI::App& app, Action& action);

// A one-line message for an error, worded for the person at the terminal.
std::string DescribeError(const Error& error);

}  // namespace vigil::cli

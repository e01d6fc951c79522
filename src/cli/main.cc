// The `vigil` command: keys, encryption, and (as later modules land) the log, backups and
// mirrors. Parsing errors and failures print one line and exit non-zero.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Vigil: end-to-end encrypted reporting with a verifiable log"};
  app.require_subcommand(1);
  vigil::cli::Action action;
  vigil::cli::RegisterAgeCommands(app, action);
  vigil::cli::RegisterLogCommands(app, action);
  vigil::cli::RegisterInitCommand(app, action);
  vigil::cli::RegisterRebuildCommand(app, action);
  vigil::cli::RegisterInviteCommand(app, action);
  vigil::cli::RegisterBackupCommands(app, action);
  vigil::cli::RegisterExportCommand(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "vigil: %s (see --help)\n", e.what());
    return 2;
  }
  if (!action) return 2;
  vigil::Status status = action();
  if (!status) {
    std::fprintf(stderr, "vigil: error: %s\n", vigil::cli::DescribeError(status.error()).c_str());
    return 1;
  }
  return 0;
}

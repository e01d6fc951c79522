// `vigil rebuild DATADIR`: recreates the database index from the transparency log and the blob
// store (DESIGN.md section 5, decision 0004), with the same appliers vigild uses. The server
// must be stopped (the log's lock says so). A SQLite database is moved aside, not deleted; a
// PostgreSQL database must be new and empty.
#include <cstdio>

#include "cli/commands.h"
#include "cli/instance.h"
#include "cli/key_files.h"

namespace vigil::cli {
namespace {

struct RebuildFlags {
  std::string data_dir;
};

Status Rebuild(const RebuildFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(server::Config config, LoadInstanceConfig(flags.data_dir));
  VIGIL_ASSIGN_OR_RETURN(translog::SignerKey key,
                         LoadSignerKey((config.data_dir / "keys" / "log.key").string()));
  VIGIL_ASSIGN_OR_RETURN(RebuildResult result, RebuildIndex(config, std::move(key)));
  if (!result.moved_aside.empty())
    std::printf("moved the old database aside: %s\n", result.moved_aside.c_str());
  std::printf("rebuilt the index from the log and the blobs: %llu entries\n",
              static_cast<unsigned long long>(result.entries));
  return OkStatus();
}

}  // namespace

void RegisterRebuildCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<RebuildFlags>();
  CLI::App* rebuild = app.add_subcommand(
      "rebuild", "Recreate the database from the log and the blob store (vigild stopped)");
  rebuild->add_option("data_dir", flags->data_dir, "The instance's data directory")->required();
  rebuild->callback([&action, flags] { action = [flags] { return Rebuild(*flags); }; });
}

}  // namespace vigil::cli

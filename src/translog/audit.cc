// Format: docs/formats/log.md
#include "translog/audit.h"

namespace vigil::translog {
namespace {

Error Corrupt(std::string what) { return MakeError(Errc::kCorrupt, std::move(what)); }

// The index of the first hash that differs, for the message.
std::size_t FirstDifference(const std::vector<Hash>& a, const std::vector<Hash>& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

// Names the files that disagree: an entry bundle and its level-0 tile, or a tile and the tiles
// below it.
std::string Disagreement(unsigned level, std::uint64_t index, std::size_t width,
                         std::size_t position) {
  std::string tile = TilePath(level, index, width);
  if (level > 0)
    return tile + ": hash " + std::to_string(position) + " does not match the tiles below it";
  std::uint64_t entry = index * kTileWidth + position;
  return "entry " + std::to_string(entry) + " in " + EntryBundlePath(index, width) +
         " does not match hash " + std::to_string(position) + " of " + tile;
}

}  // namespace

Result<SignedCheckpoint> OpenCheckpointAnyOrigin(std::string_view note,
                                                 const VerifierKey& log_key) {
  VIGIL_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  VIGIL_ASSIGN_OR_RETURN(Checkpoint body, ParseCheckpoint(parsed.text));
  return OpenCheckpoint(note, body.origin, log_key);
}

Result<SignedCheckpoint> FetchCheckpoint(const Fetch& fetch, const VerifierKey& log_key) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Bytes> note, fetch("checkpoint"));
  if (!note) return MakeError(Errc::kNotFound, "checkpoint is missing");
  auto opened = OpenCheckpointAnyOrigin(AsChars(*note), log_key);
  if (!opened) return MakeError(opened.error().code, "checkpoint: " + opened.error().detail);
  return opened;
}

Result<AuditReport> AuditLog(const Fetch& fetch, const AuditOptions& options) {
  VIGIL_ASSIGN_OR_RETURN(SignedCheckpoint current, FetchCheckpoint(fetch, options.log_key));
  const Checkpoint& cp = current.checkpoint;
  std::optional<Checkpoint> old;
  if (options.since) {
    auto opened = OpenCheckpointAnyOrigin(*options.since, options.log_key);
    if (!opened)
      return MakeError(opened.error().code, "older checkpoint: " + opened.error().detail);
    old = opened->checkpoint;
    if (old->origin != cp.origin)
      return MakeError(Errc::kUnauthenticated, "the older checkpoint is for another log");
    if (old->size > cp.size)
      return MakeError(Errc::kUnauthenticated, "the log shrank from " + std::to_string(old->size) +
                                                   " to " + std::to_string(cp.size) + " entries");
  }

  TileReader reader(fetch, cp.size);
  AuditReport report;
  report.checkpoint = cp;
  TileBuilder builder;
  Status tile_problem = OkStatus();
  auto compare_full_tile = [&](TileBuilder::Tile rebuilt) {
    if (!tile_problem) return;
    std::string path = TilePath(rebuilt.level, rebuilt.index, kTileWidth);
    auto stored = reader.Tile(rebuilt.level, rebuilt.index);
    if (!stored) {
      tile_problem = MakeError(stored.error().code, stored.error().detail);
    } else if (*stored != rebuilt.hashes) {
      tile_problem = Corrupt(Disagreement(rebuilt.level, rebuilt.index, kTileWidth,
                                          FirstDifference(*stored, rebuilt.hashes)));
    }
    ++report.tiles_checked;
  };

  for (std::uint64_t bundle = 0; bundle * kTileWidth < cp.size; ++bundle) {
    auto entries = reader.Bundle(bundle);
    if (!entries)
      return MakeError(
          entries.error().code == Errc::kMalformed ? Errc::kCorrupt : entries.error().code,
          entries.error().detail);
    for (const Bytes& entry : *entries) {
      const std::uint64_t index = builder.size();
      if (options.check_entry) {
        if (Status s = options.check_entry(index, entry); !s)
          return MakeError(s.error().code,
                           "entry " + std::to_string(index) + ": " + s.error().detail);
      }
      builder.Add(HashLeaf(entry), compare_full_tile);
      VIGIL_RETURN_IF_ERROR(tile_problem);
      if (old && builder.size() == old->size && builder.Root() != old->root_hash)
        return MakeError(Errc::kUnauthenticated,
                         "the log does not extend the older checkpoint of size " +
                             std::to_string(old->size) + " (entries before it changed)");
      if (options.progress && builder.size() % 65536 == 0) options.progress(builder.size());
    }
  }
  if (old && old->size == 0 && cp.size == 0 && old->root_hash != cp.root_hash)
    return MakeError(Errc::kUnauthenticated, "different roots for the empty log");
  for (const auto& partial : builder.PartialTiles()) {
    auto stored = reader.Tile(partial.level, partial.index);
    std::string path = TilePath(partial.level, partial.index, partial.hashes.size());
    if (!stored) return MakeError(stored.error().code, stored.error().detail);
    if (*stored != partial.hashes)
      return Corrupt(Disagreement(partial.level, partial.index, partial.hashes.size(),
                                  FirstDifference(*stored, partial.hashes)));
    ++report.tiles_checked;
  }
  if (builder.Root() != cp.root_hash)
    return Corrupt("the entries do not hash to the checkpoint's root (size " +
                   std::to_string(cp.size) + ")");
  return report;
}

}  // namespace vigil::translog

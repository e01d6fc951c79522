// Format: docs/formats/log.md
#include "translog/appender.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>

#include "base/check.h"

namespace vigil::translog {
namespace {

constexpr char kCheckpointPath[] = "checkpoint";
// How long appends must pause before a checkpoint is published ahead of the interval.
constexpr std::chrono::milliseconds kPause{2};

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const SignerKey& signer) {
  VIGIL_ASSIGN_OR_RETURN(std::string body, FormatCheckpoint(checkpoint));
  VIGIL_ASSIGN_OR_RETURN(Note note, SignNote(body, signer));
  return FormatNote(note);
}

// Reads the first `width` hashes of tile (level, index): from the partial tile of exactly that
// width, else from the full tile (partial tiles may be dropped once the full one exists).
Result<std::vector<Hash>> ReadTilePrefix(const LogDirectory& dir, unsigned level,
                                         std::uint64_t index, std::size_t width) {
  for (std::size_t w : {width, kTileWidth}) {
    std::string path = TilePath(level, index, w);
    VIGIL_ASSIGN_OR_RETURN(std::optional<Bytes> bytes, dir.Read(path));
    if (!bytes) continue;
    auto hashes = DecodeHashes(*bytes);
    if (!hashes || hashes->size() != w)
      return MakeError(Errc::kFailedPrecondition, path + " is damaged");
    hashes->resize(width);
    return hashes;
  }
  return MakeError(Errc::kFailedPrecondition, TilePath(level, index, width) + " is missing");
}

// The partial tiles of a tree of `size` leaves, level 0 first, read from disk.
Result<std::vector<std::vector<Hash>>> ReadEdge(const LogDirectory& dir, std::uint64_t size) {
  std::vector<std::vector<Hash>> edge;
  for (unsigned level = 0; level < 64; ++level) {
    std::uint64_t nodes = size;
    for (unsigned l = 0; l < level; ++l) nodes /= kTileWidth;
    if (nodes == 0) break;
    std::size_t width = PartialWidth(size, level);
    if (width == 0) {
      edge.emplace_back();
      continue;
    }
    VIGIL_ASSIGN_OR_RETURN(auto hashes,
                           ReadTilePrefix(dir, level, EdgeTileIndex(size, level), width));
    edge.push_back(std::move(hashes));
  }
  return edge;
}

// The entries of bundle `index` from the full bundle, else the widest readable partial one.
// Returns an empty list when there is none. Damaged files (possible only for a batch that never
// committed) are skipped.
Result<std::vector<Bytes>> ReadWidestBundle(const LogDirectory& dir, std::uint64_t index) {
  std::string full = EntryBundlePath(index, kTileWidth);
  VIGIL_ASSIGN_OR_RETURN(std::optional<Bytes> bytes, dir.Read(full));
  if (bytes) {
    if (auto entries = ParseBundle(*bytes, kTileWidth)) return std::move(*entries);
  }
  for (std::size_t w : dir.PartialWidths(full)) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<Bytes> partial, dir.Read(EntryBundlePath(index, w)));
    if (!partial) continue;
    if (auto entries = ParseBundle(*partial, w)) return std::move(*entries);
  }
  return std::vector<Bytes>();
}

}  // namespace

Status Appender::Init(const std::filesystem::path& dir, std::string_view origin,
                      const SignerKey& signer) {
  VIGIL_RETURN_IF_ERROR(ValidateLogOrigin(origin));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(Errc::kIo, "cannot create " + dir.string() + ": " + ec.message());
  VIGIL_ASSIGN_OR_RETURN(LogDirectory log, LogDirectory::Open(dir));
  VIGIL_ASSIGN_OR_RETURN(std::optional<Bytes> existing, log.Read(kCheckpointPath));
  if (existing) return MakeError(Errc::kAlreadyExists, dir.string() + " already holds a log");
  Checkpoint empty{std::string(origin), 0, EmptyRoot(), {}};
  VIGIL_ASSIGN_OR_RETURN(std::string note, SignCheckpoint(empty, signer));
  LogDirectory::WriteGroup group(log);
  VIGIL_RETURN_IF_ERROR(group.Stage(kCheckpointPath, AsBytes(note)));
  return group.Commit();
}

Appender::Appender(AppenderOptions options, SignerKey signer, LogDirectory dir, int lock_fd)
    : options_(std::move(options)),
      signer_(std::move(signer)),
      dir_(std::move(dir)),
      lock_fd_(lock_fd) {}

Result<std::unique_ptr<Appender>> Appender::Open(AppenderOptions options, SignerKey signer) {
  VIGIL_ASSIGN_OR_RETURN(LogDirectory dir, LogDirectory::Open(options.dir));
  VIGIL_ASSIGN_OR_RETURN(std::optional<Bytes> note, dir.Read(kCheckpointPath));
  if (!note)
    return MakeError(Errc::kNotFound, options.dir.string() + " holds no log (vigil log init)");
  VIGIL_ASSIGN_OR_RETURN(SignedCheckpoint published,
                         OpenCheckpoint(AsChars(*note), options.origin, signer.verifier_key()));
  // Two appenders on one log would fork it: take the lock before recovery writes anything.
  std::string lock_path = (dir.root() / ".lock").string();
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0)
    return MakeError(Errc::kIo, "cannot open " + lock_path + ": " + std::strerror(errno));
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd);
    return MakeError(Errc::kUnavailable, options.dir.string() + " is in use by another appender");
  }
  std::unique_ptr<Appender> appender(
      new Appender(std::move(options), std::move(signer), std::move(dir), lock_fd));
  appender->checkpoint_ = published.checkpoint;
  appender->checkpoint_note_ = ToString(*note);
  VIGIL_RETURN_IF_ERROR(appender->Recover(published));
  appender->last_publish_ = std::chrono::steady_clock::now();
  appender->sequencer_ = std::thread([a = appender.get()] { a->SequencerLoop(); });
  appender->publisher_ = std::thread([a = appender.get()] { a->PublisherLoop(); });
  return appender;
}

Status Appender::Recover(const SignedCheckpoint& published) {
  const std::uint64_t size = published.checkpoint.size;
  VIGIL_ASSIGN_OR_RETURN(auto edge, ReadEdge(dir_, size));
  if (RootFromPartialTiles(edge) != published.checkpoint.root_hash)
    return MakeError(Errc::kFailedPrecondition,
                     "the hash tiles do not match the published checkpoint");
  tree_ = TileBuilder(size, std::move(edge));

  // The current partial bundle, then every entry sequenced after the checkpoint.
  bundle_.clear();
  bundle_count_ = 0;
  if (std::size_t have = size % kTileWidth; have > 0) {
    VIGIL_ASSIGN_OR_RETURN(auto entries, ReadWidestBundle(dir_, size / kTileWidth));
    if (entries.size() < have)
      return MakeError(Errc::kFailedPrecondition, "the entry bundle at the checkpoint is missing");
    for (std::size_t i = 0; i < have; ++i) AppendToBundle(bundle_, entries[i]);
    bundle_count_ = have;
  }
  while (true) {
    std::uint64_t at = tree_.size();
    VIGIL_ASSIGN_OR_RETURN(auto entries, ReadWidestBundle(dir_, at / kTileWidth));
    std::size_t have = at % kTileWidth;
    if (entries.size() <= have) break;
    std::vector<const Bytes*> more;
    for (std::size_t i = have; i < entries.size(); ++i) more.push_back(&entries[i]);
    LogDirectory::WriteGroup group(dir_);
    VIGIL_RETURN_IF_ERROR(Integrate(more, group));
    VIGIL_RETURN_IF_ERROR(group.Commit());
    if (entries.size() < kTileWidth) break;
  }
  sequenced_ = tree_.size();
  sequenced_root_ = tree_.Root();
  if (sequenced_ > size) VIGIL_RETURN_IF_ERROR(Publish(sequenced_, sequenced_root_));
  return OkStatus();
}

Status Appender::Integrate(const std::vector<const Bytes*>& entries,
                           LogDirectory::WriteGroup& group) {
  Status staged = OkStatus();
  auto stage_full_tile = [&](TileBuilder::Tile tile) {
    if (staged)
      staged = group.Stage(TilePath(tile.level, tile.index, kTileWidth), EncodeHashes(tile.hashes));
  };
  for (const Bytes* entry : entries) {
    const std::uint64_t index = tree_.size();
    AppendToBundle(bundle_, *entry);
    if (++bundle_count_ == kTileWidth) {
      VIGIL_RETURN_IF_ERROR(group.Stage(EntryBundlePath(index / kTileWidth, kTileWidth), bundle_));
      bundle_.clear();
      bundle_count_ = 0;
    }
    tree_.Add(HashLeaf(*entry), stage_full_tile);
    VIGIL_RETURN_IF_ERROR(staged);
  }
  if (bundle_count_ > 0)
    VIGIL_RETURN_IF_ERROR(
        group.Stage(EntryBundlePath(tree_.size() / kTileWidth, bundle_count_), bundle_));
  for (const auto& tile : tree_.PartialTiles())
    VIGIL_RETURN_IF_ERROR(group.Stage(TilePath(tile.level, tile.index, tile.hashes.size()),
                                      EncodeHashes(tile.hashes)));
  return OkStatus();
}

Result<Hash> Appender::RootFromDisk(std::uint64_t size) const {
  VIGIL_ASSIGN_OR_RETURN(auto edge, ReadEdge(dir_, size));
  return RootFromPartialTiles(edge);
}

Status Appender::Publish(std::uint64_t size, const Hash& root) {
  Checkpoint previous;
  {
    std::lock_guard lock(mu_);
    previous = checkpoint_;
  }
  // Invariants of the log (DESIGN.md section 4): it never shrinks, never changes a root at the
  // same size, and the new tree starts with the old one. Crash rather than publish otherwise.
  CHECK_MSG(size >= previous.size, "the log would shrink");
  if (size == previous.size) {
    CHECK_MSG(root == previous.root_hash, "the root changed at the same size");
    return OkStatus();
  }
  auto old_root = RootFromDisk(previous.size);
  CHECK_MSG(old_root && *old_root == previous.root_hash,
            "the new tree does not extend the published one");

  VIGIL_ASSIGN_OR_RETURN(std::string note,
                         SignCheckpoint(Checkpoint{options_.origin, size, root, {}}, signer_));
  LogDirectory::WriteGroup group(dir_);
  VIGIL_RETURN_IF_ERROR(group.Stage(kCheckpointPath, AsBytes(note)));
  VIGIL_RETURN_IF_ERROR(group.Commit());
  std::lock_guard lock(mu_);
  checkpoint_ = Checkpoint{options_.origin, size, root, {}};
  checkpoint_note_ = std::move(note);
  last_publish_ = std::chrono::steady_clock::now();
  return OkStatus();
}

void Appender::SequencerLoop() {
  while (true) {
    std::vector<std::unique_ptr<Pending>> batch;
    {
      std::unique_lock lock(mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        sequencer_done_ = true;
        break;
      }
      std::size_t count = 0;
      while (!queue_.empty() &&
             (batch.empty() || count + queue_.front()->entries.size() <= options_.max_batch)) {
        count += queue_.front()->entries.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      sequencing_ = true;
    }

    Status written = OkStatus();
    std::vector<std::uint64_t> firsts;
    std::vector<const Bytes*> entries;
    for (auto& p : batch) {
      firsts.push_back(tree_.size() + entries.size());
      for (const Bytes& e : p->entries) entries.push_back(&e);
    }
    LogDirectory::WriteGroup group(dir_);
    written = Integrate(entries, group);
    // Security/durability: data first, then names (LogDirectory::WriteGroup::Commit). What
    // follows the entries may start once they are in place (decision 0013).
    if (written) written = dir_.Sync();
    if (written) written = group.Rename();
    if (written) {
      std::size_t last = batch.size();
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (batch[i]->placed) last = i;
      }
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (batch[i]->placed) batch[i]->placed(firsts[i], i == last);
      }
      written = dir_.Sync();
    }
    {
      std::lock_guard lock(mu_);
      if (!written) {
        fatal_ = written;
      } else {
        sequenced_ = tree_.size();
        sequenced_root_ = tree_.Root();
      }
      sequencing_ = false;
      last_batch_end_ = std::chrono::steady_clock::now();
    }
    publish_cv_.notify_one();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Result<std::uint64_t> first =
          written ? Result<std::uint64_t>(firsts[i]) : Result<std::uint64_t>(written.error());
      batch[i]->then(std::move(first), i + 1 == batch.size());
    }
  }
  publish_cv_.notify_one();
}

void Appender::PublisherLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    if (fatal_ || sequenced_ == checkpoint_.size) {
      if (sequencer_done_) return;
      publish_cv_.wait(lock);
      continue;
    }
    // Something to publish: when appends pause (no batch for kPause), when asked, or at the
    // end; under continuous appends at the interval. A checkpoint costs two syncs of the file
    // system, which batches would otherwise wait behind.
    const auto now = std::chrono::steady_clock::now();
    const auto interval_due = last_publish_ + options_.checkpoint_interval;
    const auto pause_due = last_batch_end_ + kPause;
    const bool idle = queue_.empty() && !sequencing_;
    if (!publish_requested_ && !sequencer_done_ && now < interval_due &&
        !(idle && now >= pause_due)) {
      // Each batch's end wakes this thread too, to look again.
      publish_cv_.wait_until(lock, idle ? std::min(interval_due, pause_due) : interval_due);
      continue;
    }
    publish_requested_ = false;
    const std::uint64_t size = sequenced_;
    const Hash root = sequenced_root_;
    lock.unlock();
    Status published = Publish(size, root);
    lock.lock();
    if (!published) fatal_ = published;
  }
}

Appender::~Appender() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (sequencer_.joinable()) sequencer_.join();
  if (publisher_.joinable()) publisher_.join();
  ::close(lock_fd_);  // releases the lock
}

Result<std::uint64_t> Appender::Append(std::vector<Bytes> entries) {
  std::promise<Result<std::uint64_t>> done;
  auto future = done.get_future();
  AppendThen(std::move(entries),
             [&done](Result<std::uint64_t> first, bool) { done.set_value(std::move(first)); });
  return future.get();
}

void Appender::AppendThen(std::vector<Bytes> entries, Then then, Placed placed) {
  if (entries.empty()) return then(MakeError(Errc::kInvalidArgument, "no entries"), true);
  for (const Bytes& e : entries) {
    if (e.size() > kMaxEntrySize)
      return then(MakeError(Errc::kInvalidArgument, "log entry over 65535 bytes"), true);
  }
  auto pending = std::make_unique<Pending>();
  pending->entries = std::move(entries);
  pending->then = std::move(then);
  pending->placed = std::move(placed);
  {
    std::unique_lock lock(mu_);
    std::optional<Error> refused;
    if (fatal_)
      refused = MakeError(Errc::kUnavailable,
                          "the log stopped after a write failure: " + fatal_->error().detail);
    else if (stopping_)
      refused = MakeError(Errc::kUnavailable, "the log is shutting down");
    if (refused) {
      lock.unlock();
      return pending->then(std::move(*refused), true);
    }
    queue_.push_back(std::move(pending));
  }
  queue_cv_.notify_one();
}

Result<std::uint64_t> Appender::Append(Bytes entry) {
  std::vector<Bytes> one;
  one.push_back(std::move(entry));
  return Append(std::move(one));
}

Result<std::string> Appender::PublishNow() {
  // Waits until the sequencer has published everything sequenced when the call was made.
  std::uint64_t target = size();
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (fatal_) return fatal_->error();
      if (checkpoint_.size >= target) return checkpoint_note_;
      publish_requested_ = true;
    }
    publish_cv_.notify_one();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string Appender::checkpoint() const {
  std::lock_guard lock(mu_);
  return checkpoint_note_;
}

std::uint64_t Appender::checkpoint_size() const {
  std::lock_guard lock(mu_);
  return checkpoint_.size;
}

std::uint64_t Appender::size() const {
  std::lock_guard lock(mu_);
  return sequenced_;
}

}  // namespace vigil::translog

#include "translog/witness.h"

#include <gtest/gtest.h>

#include "testing/fake_clock.h"
#include "testing/seeded_random.h"
#include "testing/test_paths.h"
#include "translog/appender.h"
#include "translog/cosignature.h"

namespace vigil::translog {
namespace {

constexpr char kOrigin[] = "witnessed.example/log";

SignerKey LogKey() {
  vigil::testing::SeededRandom r(1);
  return std::move(*GenerateSignerKey(kOrigin, r));
}
SignerKey WitnessKey() {
  vigil::testing::SeededRandom r(2);
  return std::move(*GenerateSignerKey("witness.example", r));
}

void Grow(const std::filesystem::path& dir, const std::string& prefix, std::size_t n) {
  AppenderOptions options;
  options.dir = dir;
  options.origin = kOrigin;
  auto log = Appender::Open(options, LogKey());
  ASSERT_TRUE(log);
  std::vector<Bytes> entries;
  for (std::size_t i = 0; i < n; ++i) entries.push_back(ToBytes(prefix + std::to_string(i)));
  ASSERT_TRUE((*log)->Append(std::move(entries)));
}

Fetch DirFetch(const std::filesystem::path& dir) {
  auto d = std::make_shared<LogDirectory>(*LogDirectory::Open(dir));
  return [d](const std::string& path) { return d->Read(path); };
}

TEST(Witness, CosignsGrowthAndRefusesForksAndShrinking) {
  vigil::testing::TempDir dir, fork;
  vigil::testing::FakeClock clock;
  ASSERT_TRUE(Appender::Init(dir.path(), kOrigin, LogKey()));
  ASSERT_TRUE(Appender::Init(fork.path(), kOrigin, LogKey()));
  Grow(dir.path(), "e", 300);
  auto first = WitnessCheckpoint(DirFetch(dir.path()), LogKey().verifier_key(), std::nullopt,
                                 WitnessKey(), clock);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->state.size, 300u);
  // The cosignature verifies with the witness's type 0x04 key.
  auto note = ParseNote(first->cosigned);
  ASSERT_TRUE(note);
  ASSERT_EQ(note->signatures.size(), 2u);
  EXPECT_TRUE(
      VerifyCosignature(note->text, note->signatures[1], CosignerVerifierKey(WitnessKey())));

  Grow(dir.path(), "f", 700);
  auto second = WitnessCheckpoint(DirFetch(dir.path()), LogKey().verifier_key(), first->state,
                                  WitnessKey(), clock);
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_TRUE(second->advanced);
  EXPECT_EQ(second->state.size, 1000u);
  auto again = WitnessCheckpoint(DirFetch(dir.path()), LogKey().verifier_key(), second->state,
                                 WitnessKey(), clock);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->advanced);

  // A fork signed by the same log key: same origin, other entries.
  Grow(fork.path(), "x", 1200);
  auto forked = WitnessCheckpoint(DirFetch(fork.path()), LogKey().verifier_key(), second->state,
                                  WitnessKey(), clock);
  ASSERT_FALSE(forked);
  EXPECT_EQ(forked.error().code, Errc::kUnauthenticated);
  EXPECT_EQ(forked.error().detail, "a fork: the checkpoint is not consistent with size 1000");
  WitnessState bigger = second->state;
  bigger.size = 5000;
  auto shrunk =
      WitnessCheckpoint(DirFetch(dir.path()), LogKey().verifier_key(), bigger, WitnessKey(), clock);
  ASSERT_FALSE(shrunk);
  EXPECT_EQ(shrunk.error().detail, "the log shrank from 5000 to 1000");
  WitnessState same_size = second->state;
  same_size.root[0] ^= 1;
  EXPECT_FALSE(WitnessCheckpoint(DirFetch(dir.path()), LogKey().verifier_key(), same_size,
                                 WitnessKey(), clock));
}

TEST(Witness, StateRoundTrips) {
  WitnessState s{"o.example/log", 42, {}};
  s.root[5] = 9;
  auto back = ParseWitnessState(FormatWitnessState(s));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->origin, s.origin);
  EXPECT_EQ(back->size, 42u);
  EXPECT_EQ(back->root, s.root);
  EXPECT_FALSE(ParseWitnessState("garbage\n"));
  // Found by fuzz_witness_state: a size with a leading zero has a second encoding.
  EXPECT_FALSE(
      ParseWitnessState("vigil-witness-state/v1\nw.example/log\n03\n"
                        "rfOAEOWmJcAd0J6eaSs1eSjG941fHrxqe0Nzqr/uDQY=\n"));
}

}  // namespace
}  // namespace vigil::translog

#include "merkle/merkle.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "base/hex.h"

namespace vigil::merkle {
namespace {

// A tree held in memory, with the naive RFC 6962 definitions to check the fast code against.
class NaiveTree {
 public:
  explicit NaiveTree(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      leaves_.push_back(HashLeaf(ToBytes("leaf " + std::to_string(i))));
  }
  Hash Mth(std::uint64_t begin, std::uint64_t end) const {
    if (end == begin) return EmptyRoot();
    if (end - begin == 1) return leaves_[begin];
    if (auto it = memo_.find({begin, end}); it != memo_.end()) return it->second;
    std::uint64_t k = 1;
    while (k * 2 < end - begin) k *= 2;
    return memo_[{begin, end}] = HashChildren(Mth(begin, begin + k), Mth(begin + k, end));
  }
  NodeHashFn Nodes() const {
    return [this](unsigned level, std::uint64_t index) -> Result<Hash> {
      std::uint64_t width = std::uint64_t{1} << level;
      return Mth(index * width, (index + 1) * width);
    };
  }
  // RFC 6962 2.1.1, recursively as written.
  std::vector<Hash> Path(std::uint64_t m, std::uint64_t begin, std::uint64_t end) const {
    if (end - begin == 1) return {};
    std::uint64_t k = 1;
    while (k * 2 < end - begin) k *= 2;
    std::vector<Hash> out;
    if (m < k) {
      out = Path(m, begin, begin + k);
      out.push_back(Mth(begin + k, end));
    } else {
      out = Path(m - k, begin + k, end);
      out.push_back(Mth(begin, begin + k));
    }
    return out;
  }
  const std::vector<Hash>& leaves() const { return leaves_; }

 private:
  std::vector<Hash> leaves_;
  mutable std::map<std::pair<std::uint64_t, std::uint64_t>, Hash> memo_;  // speeds the tests only
};

TEST(MerkleHash, MatchesRfc6962EmptyAndLeafVectors) {
  // Empty tree and the hash of an empty leaf, as in the Certificate Transparency test suites.
  EXPECT_EQ(HexEncode(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(HashLeaf({})),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(MerkleProofs, EveryInclusionAndConsistencyProofUpTo300Leaves) {
  NaiveTree tree(300);
  auto nodes = tree.Nodes();
  for (std::uint64_t n = 1; n <= 300; ++n) {
    Hash root = tree.Mth(0, n);
    for (std::uint64_t m = 0; m < n; ++m) {
      auto proof = InclusionProof(m, n, nodes);
      ASSERT_TRUE(proof);
      ASSERT_EQ(*proof, tree.Path(m, 0, n)) << m << "/" << n;
      ASSERT_TRUE(VerifyInclusion(m, n, tree.leaves()[m], *proof, root)) << m << "/" << n;
    }
    for (std::uint64_t m = 1; m <= n; ++m) {
      auto proof = ConsistencyProof(m, n, nodes);
      ASSERT_TRUE(proof);
      ASSERT_TRUE(VerifyConsistency(m, n, *proof, tree.Mth(0, m), root)) << m << "/" << n;
    }
  }
}

TEST(MerkleProofs, ConsistencyProofBetweenEqualSizesIsEmpty) {
  NaiveTree tree(10);
  auto proof = ConsistencyProof(7, 7, tree.Nodes());
  ASSERT_TRUE(proof);
  EXPECT_TRUE(proof->empty());
  EXPECT_FALSE(VerifyConsistency(7, 7, {}, tree.Mth(0, 7), tree.Mth(0, 8)));
}

TEST(MerkleProofs, TamperedProofsFail) {
  NaiveTree tree(300);
  auto nodes = tree.Nodes();
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    std::uint64_t n = 2 + rng() % 299, m = rng() % n, old = 1 + rng() % (n - 1);
    Hash root = tree.Mth(0, n);
    auto inclusion = *InclusionProof(m, n, nodes);
    auto consistency = *ConsistencyProof(old, n, nodes);
    Hash old_root = tree.Mth(0, old);
    if (!inclusion.empty()) {
      auto bad = inclusion;
      bad[rng() % bad.size()][rng() % 32] ^= 1;
      EXPECT_FALSE(VerifyInclusion(m, n, tree.leaves()[m], bad, root));
      bad = inclusion;
      bad.pop_back();
      EXPECT_FALSE(VerifyInclusion(m, n, tree.leaves()[m], bad, root));
    }
    auto longer = inclusion;
    longer.push_back(root);
    EXPECT_FALSE(VerifyInclusion(m, n, tree.leaves()[m], longer, root));
    EXPECT_FALSE(VerifyInclusion((m + 1) % n, n, tree.leaves()[m], inclusion, root));
    // A proof for one tree does not verify against another tree's root.
    EXPECT_FALSE(VerifyInclusion(m, n + 1, tree.leaves()[m], inclusion, tree.Mth(0, n + 1)));
    auto bad = consistency;
    bad[rng() % bad.size()][rng() % 32] ^= 1;
    EXPECT_FALSE(VerifyConsistency(old, n, bad, old_root, root));
    EXPECT_FALSE(VerifyConsistency(old, n, consistency, old_root, tree.Mth(0, n - 1)));
    EXPECT_FALSE(VerifyConsistency(old, n, consistency, tree.Mth(0, old + 1), root));
    bad = consistency;
    bad.push_back(root);
    EXPECT_FALSE(VerifyConsistency(old, n, bad, old_root, root));
  }
  EXPECT_EQ(VerifyInclusion(5, 5, {}, {}, {}).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(6, 5, {}, {}, {}).error().code, Errc::kInvalidArgument);
}

TEST(MerkleProofs, LargeRandomTreesAgreeWithTheNaiveDefinition) {
  // Node hashes of a large tree, computed lazily and memoised from its leaf count.
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 5; ++trial) {
    std::uint64_t n = 1000 + rng() % 5000;
    NaiveTree tree(n);
    std::map<std::pair<unsigned, std::uint64_t>, Hash> memo;
    NodeHashFn nodes = [&](unsigned level, std::uint64_t index) -> Result<Hash> {
      auto key = std::make_pair(level, index);
      if (auto it = memo.find(key); it != memo.end()) return it->second;
      std::uint64_t w = std::uint64_t{1} << level;
      return memo[key] = tree.Mth(index * w, (index + 1) * w);
    };
    Hash root = tree.Mth(0, n);
    for (int i = 0; i < 20; ++i) {
      std::uint64_t m = rng() % n, old = 1 + rng() % n;
      EXPECT_TRUE(VerifyInclusion(m, n, tree.leaves()[m], *InclusionProof(m, n, nodes), root));
      EXPECT_TRUE(
          VerifyConsistency(old, n, *ConsistencyProof(old, n, nodes), tree.Mth(0, old), root));
    }
  }
}

}  // namespace
}  // namespace vigil::merkle

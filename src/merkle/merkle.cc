// Format: docs/formats/log.md ("Hashing and proofs")
#include "merkle/merkle.h"

#include <bit>
#include <cstring>

#include "base/check.h"

namespace vigil::merkle {
namespace {

// The largest power of two strictly below n (n >= 2).
std::uint64_t SplitPoint(std::uint64_t n) { return std::bit_floor(n - 1); }

Status SubProof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool whole,
                const NodeHashFn& node, std::vector<Hash>& out) {
  const std::uint64_t n = end - begin;
  if (m == n) {
    if (!whole) {
      VIGIL_ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin, end, node));
      out.push_back(h);
    }
    return OkStatus();
  }
  const std::uint64_t k = SplitPoint(n);
  if (m <= k) {
    VIGIL_RETURN_IF_ERROR(SubProof(m, begin, begin + k, whole, node, out));
    VIGIL_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end, node));
    out.push_back(right);
  } else {
    VIGIL_RETURN_IF_ERROR(SubProof(m - k, begin + k, end, false, node, out));
    VIGIL_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k, node));
    out.push_back(left);
  }
  return OkStatus();
}

Error Mismatch(const char* what) { return MakeError(Errc::kUnauthenticated, what); }

}  // namespace

Hash HashLeaf(ByteSpan entry) {
  // One call on a contiguous buffer: entries are at most 64 KiB.
  thread_local Bytes buffer;
  buffer.resize(entry.size() + 1);
  buffer[0] = 0x00;
  if (!entry.empty()) std::memcpy(buffer.data() + 1, entry.data(), entry.size());
  return crypto::Sha256(buffer);
}

Hash HashChildren(const Hash& left, const Hash& right) {
  std::uint8_t buf[65];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), 32);
  std::memcpy(buf + 33, right.data(), 32);
  return crypto::Sha256(ByteSpan(buf, sizeof buf));
}

Hash EmptyRoot() { return crypto::Sha256({}); }

Result<Hash> SubtreeHash(std::uint64_t begin, std::uint64_t end, const NodeHashFn& node) {
  CHECK(end > begin);
  const std::uint64_t n = end - begin;
  if (std::has_single_bit(n)) {
    CHECK(begin % n == 0);
    return node(static_cast<unsigned>(std::countr_zero(n)), begin / n);
  }
  const std::uint64_t k = SplitPoint(n);
  CHECK(begin % std::bit_ceil(n) == 0);
  VIGIL_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k, node));
  VIGIL_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end, node));
  return HashChildren(left, right);
}

Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t size,
                                         const NodeHashFn& node) {
  if (index >= size) return MakeError(Errc::kInvalidArgument, "leaf index outside the tree");
  // PATH(m, D[begin:end]), iteratively from the root down, then reversed (leaf side first).
  std::vector<Hash> path;
  std::uint64_t begin = 0, end = size;
  while (end - begin > 1) {
    const std::uint64_t k = SplitPoint(end - begin);
    if (index - begin < k) {
      VIGIL_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end, node));
      path.push_back(right);
      end = begin + k;
    } else {
      VIGIL_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k, node));
      path.push_back(left);
      begin += k;
    }
  }
  return std::vector<Hash>(path.rbegin(), path.rend());
}

Result<std::vector<Hash>> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size,
                                           const NodeHashFn& node) {
  if (old_size == 0 || old_size > new_size)
    return MakeError(Errc::kInvalidArgument, "consistency needs 0 < old size <= new size");
  std::vector<Hash> proof;
  VIGIL_RETURN_IF_ERROR(SubProof(old_size, 0, new_size, true, node, proof));
  return proof;
}

Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root) {
  if (index >= size) return MakeError(Errc::kInvalidArgument, "leaf index outside the tree");
  std::uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return Mismatch("inclusion proof is too long");
    if ((fn & 1) || fn == sn) {
      r = HashChildren(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Mismatch("inclusion proof is too short");
  if (r != root) return Mismatch("inclusion proof does not lead to the root");
  return OkStatus();
}

Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                         const std::vector<Hash>& proof, const Hash& old_root,
                         const Hash& new_root) {
  if (old_size > new_size)
    return MakeError(Errc::kInvalidArgument, "the old tree is larger than the new one");
  if (old_size == new_size) {
    if (!proof.empty()) return Mismatch("consistency proof between equal sizes must be empty");
    if (old_root != new_root) return Mismatch("different roots at the same size");
    return OkStatus();
  }
  if (old_size == 0) {
    if (!proof.empty()) return Mismatch("consistency proof from the empty tree must be empty");
    return OkStatus();
  }
  if (proof.empty()) return Mismatch("consistency proof is empty");
  std::vector<Hash> path;
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return Mismatch("consistency proof is too long");
    if ((fn & 1) || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Mismatch("consistency proof is too short");
  if (fr != old_root) return Mismatch("consistency proof does not lead to the old root");
  if (sr != new_root) return Mismatch("consistency proof does not lead to the new root");
  return OkStatus();
}

}  // namespace vigil::merkle

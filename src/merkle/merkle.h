// RFC 6962 / RFC 9162 Merkle tree maths: hashing, subtree hashes, inclusion and consistency
// proofs. Pure functions, no I/O: node hashes come from a callback, so the same code proves from
// in-memory leaves (tests), from tiles on disk (the appender) or fetched over HTTP (clients).
// Format: docs/formats/log.md ("Hashing and proofs")
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/sha256.h"

namespace vigil::merkle {

using Hash = crypto::Sha256Digest;

// SHA-256(0x00 || entry).
Hash HashLeaf(ByteSpan entry);
// SHA-256(0x01 || left || right).
Hash HashChildren(const Hash& left, const Hash& right);
// The root of the empty tree, SHA-256 of nothing.
Hash EmptyRoot();

// The hash of the perfect subtree of 2^level leaves that starts at leaf index << level.
using NodeHashFn = std::function<Result<Hash>(unsigned level, std::uint64_t index)>;

// MTH(D[begin:end]) for a range the RFC 6962 recursion produces: `begin` a multiple of the
// smallest power of two >= end - begin (CHECKed). Errors of `node` pass through.
Result<Hash> SubtreeHash(std::uint64_t begin, std::uint64_t end, const NodeHashFn& node);

// RFC 6962 section 2.1.1 PATH(index, D[0:size]). kInvalidArgument when index >= size.
Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t size,
                                         const NodeHashFn& node);

// RFC 6962 section 2.1.2 PROOF(old_size, D[0:new_size]). kInvalidArgument unless
// 0 < old_size <= new_size. Empty when the sizes are equal.
Result<std::vector<Hash>> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size,
                                           const NodeHashFn& node);

// RFC 9162 section 2.1.3.2. Fails with kInvalidArgument for an index outside the tree and
// kUnauthenticated when the proof does not lead to `root`.
Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root);

// RFC 9162 section 2.1.4.2. Fails with kInvalidArgument for sizes out of order and
// kUnauthenticated when the proof does not link the two roots.
Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                         const std::vector<Hash>& proof, const Hash& old_root,
                         const Hash& new_root);

}  // namespace vigil::merkle

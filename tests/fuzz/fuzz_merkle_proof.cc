// Fuzzes the proof verifiers with arbitrary sizes, indices and proof hashes. They must never
// crash, loop or accept a proof for a root the fuzzer could not have computed: roots here are
// derived from the input, so acceptance is possible, but every verdict must be a clean Status.
#include <cstring>

#include "merkle/merkle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 16 + 32 * 3) return 0;
  std::uint64_t a = 0, b = 0;
  std::memcpy(&a, data, 8);
  std::memcpy(&b, data + 8, 8);
  vigil::merkle::Hash h1, h2, h3;
  std::memcpy(h1.data(), data + 16, 32);
  std::memcpy(h2.data(), data + 48, 32);
  std::memcpy(h3.data(), data + 80, 32);
  std::vector<vigil::merkle::Hash> proof;
  for (std::size_t pos = 112; pos + 32 <= size && proof.size() < 128; pos += 32) {
    proof.emplace_back();
    std::memcpy(proof.back().data(), data + pos, 32);
  }
  (void)vigil::merkle::VerifyInclusion(a, b, h1, proof, h2);
  (void)vigil::merkle::VerifyConsistency(a, b, proof, h1, h3);
  (void)vigil::merkle::VerifyConsistency(a % 1024, b % 4096, proof, h1, h3);
  return 0;
}

// RFC 6962's Merkle tree hash written exactly as the definition reads, for tests to check the
// fast code against. Quadratic: small trees only.
#pragma once

#include <vector>

#include "merkle/merkle.h"

namespace vigil::testing {

inline merkle::Hash NaiveRoot(const std::vector<merkle::Hash>& leaves, std::size_t begin,
                              std::size_t end) {
  if (end == begin) return merkle::EmptyRoot();
  if (end - begin == 1) return leaves[begin];
  std::size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return merkle::HashChildren(NaiveRoot(leaves, begin, begin + k),
                              NaiveRoot(leaves, begin + k, end));
}

}  // namespace vigil::testing

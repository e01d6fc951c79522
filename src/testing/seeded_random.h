// Deterministic randomness for tests: the same seed gives the same bytes. Never for production.
#pragma once

#include <mutex>
#include <random>

#include "base/random.h"

namespace vigil::testing {

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  void Fill(MutableByteSpan out) override {
    std::lock_guard lock(mu_);
    for (auto& b : out) b = static_cast<std::uint8_t>(engine_() >> 24);
  }

 private:
  std::mutex mu_;
  std::mt19937_64 engine_;
};

}  // namespace vigil::testing

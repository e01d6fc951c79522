// Randomness behind an interface so tests can be deterministic (SeededRandom in src/testing).
// Production code uses SystemRandom, which reads the kernel CSPRNG.
#pragma once

#include <cstdint>

#include "base/bytes.h"

namespace vigil {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with random bytes. Never fails: a CSPRNG that cannot be read is fatal.
  virtual void Fill(MutableByteSpan out) = 0;

  Bytes Generate(std::size_t n) {
    Bytes out(n);
    Fill(out);
    return out;
  }
};

// getrandom(2). Thread-safe.
class SystemRandom final : public Random {
 public:
  void Fill(MutableByteSpan out) override;
  static SystemRandom& Get();
};

}  // namespace vigil

// Time behind an interface so tests are deterministic (FakeClock in src/testing).
#pragma once

#include <chrono>
#include <cstdint>

namespace vigil {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for timestamps that leave the process.
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Monotonic time, for time-outs and latency.
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

// The real clocks. Thread-safe.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override;
  std::chrono::steady_clock::time_point Monotonic() const override;
  // A process-wide instance.
  static const SystemClock& Get();
};

}  // namespace vigil

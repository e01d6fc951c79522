// A Clock that moves only when a test moves it. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>

#include "base/clock.h"

namespace vigil::testing {

class FakeClock final : public Clock {
 public:
  // Starts at 2026-01-01T00:00:00Z unless told otherwise.
  explicit FakeClock(std::chrono::system_clock::time_point start =
                         std::chrono::system_clock::time_point(std::chrono::seconds(1767225600)))
      : offset_ns_(0), start_(start) {}

  std::chrono::system_clock::time_point Now() const override {
    return start_ + std::chrono::nanoseconds(offset_ns_.load());
  }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(offset_ns_.load()));
  }
  void Advance(std::chrono::nanoseconds d) { offset_ns_ += d.count(); }

 private:
  std::atomic<std::int64_t> offset_ns_;
  std::chrono::system_clock::time_point start_;
};

}  // namespace vigil::testing

#include "base/clock.h"

namespace vigil {

std::chrono::system_clock::time_point SystemClock::Now() const {
  return std::chrono::system_clock::now();
}
std::chrono::steady_clock::time_point SystemClock::Monotonic() const {
  return std::chrono::steady_clock::now();
}
const SystemClock& SystemClock::Get() {
  static const SystemClock clock;
  return clock;
}

}  // namespace vigil

// The blocking form of an asynchronous call: for callers that have a thread to spare (tests,
// tools, rare requests), while the hot paths pass their own continuation.
#pragma once

#include <functional>
#include <future>
#include <utility>

#include "base/error.h"

namespace vigil {

// Calls `start(done)` and waits until `done` has been called (on any thread), returning its
// value. `start` must see to it that `done` is called exactly once.
template <typename T, typename Start>
Result<T> WaitFor(Start&& start) {
  std::promise<Result<T>> answer;
  auto answered = answer.get_future();
  std::forward<Start>(start)(
      std::function<void(Result<T>)>([&answer](Result<T> r) { answer.set_value(std::move(r)); }));
  return answered.get();
}

}  // namespace vigil

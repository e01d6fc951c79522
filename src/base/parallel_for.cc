#include "base/parallel_for.h"

#include "base/check.h"

namespace vigil {

ParallelFor::ParallelFor(std::size_t threads) {
  for (std::size_t w = 1; w < threads; ++w) workers_.emplace_back([this, w] { WorkerLoop(w); });
}

ParallelFor::~ParallelFor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ParallelFor::Drain(std::size_t worker) {
  while (true) {
    std::size_t i;
    {
      std::lock_guard lock(mu_);
      if (next_ >= n_) return;
      i = next_++;
    }
    fn_(worker, i);
  }
}

void ParallelFor::WorkerLoop(std::size_t worker) {
  std::size_t seen = 0;
  while (true) {
    {
      std::unique_lock lock(mu_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    Drain(worker);
    {
      std::lock_guard lock(mu_);
      --busy_;
    }
    done_cv_.notify_one();
  }
}

void ParallelFor::Start(std::size_t n, Body fn) {
  CHECK(!started_);
  started_ = true;
  {
    std::lock_guard lock(mu_);
    fn_ = std::move(fn);
    n_ = n;
    next_ = 0;
    busy_ = workers_.size();
    ++generation_;
  }
  start_cv_.notify_all();
}

void ParallelFor::Wait() {
  CHECK(started_);
  started_ = false;
  Drain(0);
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return busy_ == 0; });
}

void ParallelFor::Run(std::size_t n, Body fn) {
  if (workers_.empty() || n <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(0, i);
    return;
  }
  Start(n, std::move(fn));
  Wait();
}

}  // namespace vigil

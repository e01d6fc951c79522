// A fixed set of worker threads that run an indexed loop together with the calling thread, used
// to encrypt independent age payload chunks on every core.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil {

class ParallelFor {
 public:
  // `threads` counts the caller: 1 runs everything inline and starts no thread.
  explicit ParallelFor(std::size_t threads);
  ~ParallelFor();
  ParallelFor(const ParallelFor&) = delete;
  ParallelFor& operator=(const ParallelFor&) = delete;

  std::size_t threads() const { return workers_.size() + 1; }

  using Body = std::function<void(std::size_t worker, std::size_t i)>;

  // Calls fn(worker, i) once for every i in [0, n), spread over the threads; `worker` is in
  // [0, threads()) and no two concurrent calls share one. Returns when all calls have returned.
  void Run(std::size_t n, Body fn);

  // The same in two steps: Start hands the loop to the worker threads and returns at once, so
  // the caller can do I/O meanwhile; Wait joins in as worker 0 and returns when all calls have
  // returned. One loop at a time (CHECKed). A loop still running at destruction is finished.
  void Start(std::size_t n, Body fn);
  void Wait();

 private:
  void WorkerLoop(std::size_t worker);
  void Drain(std::size_t worker);

  std::mutex mu_;
  std::condition_variable start_cv_;
  std::condition_variable done_cv_;
  std::vector<std::thread> workers_;
  Body fn_;
  std::size_t n_ = 0;
  std::size_t next_ = 0;        // next index to hand out, under mu_
  std::size_t generation_ = 0;  // bumped by each Run
  std::size_t busy_ = 0;        // workers still inside the current Run
  bool stop_ = false;
  bool started_ = false;  // a Start without its Wait, owned by the caller's thread
};

}  // namespace vigil

#include "base/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>

namespace vigil {
namespace {

TEST(ParallelFor, CallsEveryIndexExactlyOnceAcrossManyRuns) {
  for (std::size_t threads : {1u, 2u, 4u}) {
    ParallelFor pool(threads);
    for (int run = 0; run < 50; ++run) {
      std::size_t n = static_cast<std::size_t>(run % 17);
      std::vector<std::atomic<int>> hits(n);
      std::atomic<bool> bad_worker{false};
      pool.Run(n, [&](std::size_t worker, std::size_t i) {
        if (worker >= threads) bad_worker = true;
        hits[i]++;
      });
      for (auto& h : hits) EXPECT_EQ(h.load(), 1);
      EXPECT_FALSE(bad_worker.load());
    }
  }
}

}  // namespace
}  // namespace vigil

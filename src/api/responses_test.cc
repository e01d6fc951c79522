#include "api/responses.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil::api {
namespace {

namespace asio = boost::asio;

// Runs `make()` as a coroutine on an io_context of its own thread; returns its body and whether
// the coroutine went on, after the reply, on that same thread.
template <typename Make>
std::pair<std::string, bool> RunOnIoThread(Make make) {
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });
  std::string body;
  bool same_thread = false;
  std::promise<void> finished;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        http::Response r = co_await make();
        body = r.body;
        same_thread = std::this_thread::get_id() == io_thread.get_id();
        finished.set_value();
      },
      asio::detached);
  finished.get_future().wait();
  guard.reset();
  io_thread.join();
  return {body, same_thread};
}

TEST(OffloadThenTest, AnswersGivenLaterFromAnotherThreadReachTheRequest) {
  // The work returns at once and a thread of its own replies a little later, as the ledger's
  // threads do when a commit is durable: the pool thread waits for nothing.
  asio::thread_pool pool(1);
  std::vector<std::thread> answerers;
  std::mutex mu;
  auto [body, same_thread] = RunOnIoThread([&] {
    return OffloadThen(pool, [&](Reply reply) {
      std::lock_guard lock(mu);
      answerers.emplace_back([reply = std::move(reply)] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        http::Response r;
        r.body = "later";
        reply(std::move(r));
      });
    });
  });
  for (auto& t : answerers) t.join();
  EXPECT_EQ(body, "later");
  EXPECT_TRUE(same_thread);
  pool.join();
}

TEST(OffloadThenTest, AnAnswerGivenBeforeTheWorkReturnsReachesTheRequest) {
  asio::thread_pool pool(1);
  auto [body, same_thread] = RunOnIoThread([&] {
    return OffloadThen(pool, [](Reply reply) {
      http::Response r;
      r.body = "at once";
      reply(std::move(r));
    });
  });
  EXPECT_EQ(body, "at once");
  EXPECT_TRUE(same_thread);
  pool.join();
}

TEST(OffloadThenTest, ManyRequestsShareOnePoolThreadWithoutWaitingForEachOther) {
  // 64 requests whose answers come only once all 64 have been handed over: with one pool thread,
  // this finishes only if no work holds the thread until its answer.
  asio::io_context io;
  asio::thread_pool pool(1);
  constexpr int kRequests = 64;
  std::mutex mu;
  std::vector<Reply> held;
  int answered = 0;
  for (int i = 0; i < kRequests; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          http::Response r = co_await OffloadThen(pool, [&, i](Reply reply) {
            std::vector<Reply> all;
            {
              std::lock_guard lock(mu);
              held.push_back(std::move(reply));
              if (held.size() == kRequests) all.swap(held);
            }
            for (auto& give : all) {
              http::Response out;
              out.body = std::to_string(i);
              give(std::move(out));
            }
          });
          EXPECT_EQ(r.body, std::to_string(kRequests - 1));
          ++answered;
        },
        asio::detached);
  }
  io.run();  // returns once every request's coroutine has ended
  EXPECT_EQ(answered, kRequests);
  pool.join();
}

}  // namespace
}  // namespace vigil::api

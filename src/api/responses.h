// The one table from Error to HTTP status and stable error code (docs/api/openapi.yaml,
// "Errors"), and running blocking domain calls off the I/O threads.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <string_view>
#include <type_traits>

#include "base/error.h"
#include "http/server.h"
#include "translog/log_directory.h"
#include "translog/signed_note.h"

namespace vigil::api {

// The response for a domain error. Messages are fixed texts; `detail` goes to the server log
// only (with the request id).
http::Response ErrorResponse(const Error& error, std::string_view request_id);

// The signed receipt of log entry `index` (docs/formats/receipts.md) as a response: 200 with the
// receipt, or 409 receipt_pending until the next checkpoint covers the entry. Blocking.
http::Response ReceiptResponse(const translog::LogDirectory& log, const translog::VerifierKey& key,
                               std::uint64_t index, std::string_view request_id);

// `r` as a public resource: cacheable for `cache_control` and readable from any origin
// (statistics, the tracker, the log are for anyone, including pages of other sites).
http::Response PublicResponse(http::Response r, std::string_view cache_control);

// The error of the first failed result among `results`, or OK: for requests with many fields.
template <typename... Results>
Status FirstError(const Results&... results) {
  Status out = OkStatus();
  ((out = (out && !results) ? Status(results.error()) : out), ...);
  return out;
}

// Runs `work` (a blocking call into the database, the log or the blob store, returning a
// Response or any other value) on `pool`, so that I/O threads keep serving while it waits for a
// disk. Group commit needs this: concurrent requests must be waiting together to share an fsync.
template <typename Work, typename Out = std::invoke_result_t<Work&>>
boost::asio::awaitable<Out> Offload(boost::asio::thread_pool& pool, Work work) {
  auto task = [work = std::move(work)]() mutable -> boost::asio::awaitable<Out> {
    co_return work();
  };
  co_return co_await boost::asio::co_spawn(pool, std::move(task), boost::asio::use_awaitable);
}

// How OffloadThen's work answers: once, from any thread.
using Reply = std::function<void(http::Response)>;

// Runs `work(reply)` on `pool` and returns the response it passes to `reply`. The work may
// answer before it returns, or later from another thread: a request that queues a commit
// (Reports::SubmitThen) answers from the ledger's continuation, so that no pool thread sits
// waiting for the disk, and threads are not switched twice more per request (decision 0014).
// `reply` must be called exactly once; the response is handed back to the request's executor.
template <typename Work>
boost::asio::awaitable<http::Response> OffloadThen(boost::asio::thread_pool& pool, Work work) {
  auto initiate = [&pool](auto handler, Work w) {
    using Handler = decltype(handler);
    auto owner = std::make_shared<Handler>(std::move(handler));
    // The request's executor; co_spawn keeps it running until the request's coroutine ends.
    auto home = boost::asio::get_associated_executor(*owner);
    Reply reply = [owner, home](http::Response response) {
      boost::asio::post(home, [owner, response = std::move(response)]() mutable {
        std::move (*owner)(std::move(response));
      });
    };
    boost::asio::post(
        pool, [w = std::move(w), reply = std::move(reply)]() mutable { w(std::move(reply)); });
  };
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(http::Response)>(
      std::move(initiate), boost::asio::use_awaitable, std::move(work));
}

}  // namespace vigil::api

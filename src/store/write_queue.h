// The queue in front of an engine's writer thread, and the way the writer commits what it takes:
// writes queued together commit together (group commit), each in a savepoint of its own so that
// one that fails is rolled back alone.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "store/database.h"

namespace vigil::store {

class WriteQueue {
 public:
  struct Item {
    Work work;
    std::function<void(Status)> done;
  };

  // Queues `item`. The writer is woken unless `more_follow`: the caller is about to queue more
  // and the last of them wakes it, so that they are taken as one group.
  void Push(Item item, bool more_follow);
  // Waits for items and takes up to `max` of them. Returns none only once Stop was called and
  // the queue is empty.
  std::vector<Item> Take(std::size_t max);
  void Stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> items_;
  bool stopping_ = false;
};

// Runs `items` in the transaction open on `t`, each between SAVEPOINT and RELEASE, rolled back
// to its savepoint when its work fails, and sets each one's status in `results`. Fails when the
// transaction can no longer be committed (a savepoint statement failed): the caller rolls back.
Status RunEachInSavepoint(Transaction& t, std::vector<WriteQueue::Item>& items,
                          std::vector<Status>& results);

// Commits a group taken from a WriteQueue: `begin`, the items, then COMMIT (ROLLBACK when the
// group cannot be committed), and calls each item's `done`.
void CommitGroup(Transaction& t, std::string_view begin, std::vector<WriteQueue::Item>& items);

}  // namespace vigil::store

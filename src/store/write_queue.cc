#include "store/write_queue.h"

namespace vigil::store {

void WriteQueue::Push(Item item, bool more_follow) {
  {
    std::lock_guard lock(mu_);
    items_.push_back(std::move(item));
  }
  if (!more_follow) cv_.notify_one();
}

std::vector<WriteQueue::Item> WriteQueue::Take(std::size_t max) {
  std::vector<Item> taken;
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stopping_ || !items_.empty(); });
  while (!items_.empty() && taken.size() < max) {
    taken.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  return taken;
}

void WriteQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

Status RunEachInSavepoint(Transaction& t, std::vector<WriteQueue::Item>& items,
                          std::vector<Status>& results) {
  results.clear();
  for (WriteQueue::Item& item : items) {
    VIGIL_RETURN_IF_ERROR(t.Execute("SAVEPOINT w"));
    Status s = item.work(t);
    if (!s) VIGIL_RETURN_IF_ERROR(t.Execute("ROLLBACK TO w"));
    VIGIL_RETURN_IF_ERROR(t.Execute("RELEASE w"));
    results.push_back(std::move(s));
  }
  return OkStatus();
}

void CommitGroup(Transaction& t, std::string_view begin, std::vector<WriteQueue::Item>& items) {
  std::vector<Status> results;
  Status group = t.Execute(begin);
  if (group) {
    group = RunEachInSavepoint(t, items, results);
    group = group ? t.Execute("COMMIT") : group;
    if (!group) (void)t.Execute("ROLLBACK");
  }
  for (std::size_t i = 0; i < items.size(); ++i)
    items[i].done(group ? std::move(results[i]) : group);
}

}  // namespace vigil::store

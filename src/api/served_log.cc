#include "api/served_log.h"

#include "core/log.h"
#include "warehouse/warehouse.h"

namespace mxn::api {

ServedLog::ServedLog(warehouse::Warehouse& warehouse) : warehouse_(warehouse) {
  thread_ = std::thread([this] { run(); });
}

ServedLog::~ServedLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ServedLog::record(warehouse::RecommendationRecord record) {
  {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= kMaxPending) {
      pending_.pop_front();
      ++dropped_;
      ++written_;  // counted as done, so flush() does not wait for it
    }
    pending_.push_back(std::move(record));
    ++enqueued_;
  }
  changed_.notify_all();
}

void ServedLog::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = enqueued_;
  changed_.wait(lock, [&] { return written_ >= target; });
}

std::uint64_t ServedLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void ServedLog::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty() && stopping_) return;
    auto record = std::move(pending_.front());
    pending_.pop_front();
    lock.unlock();
    try {
      warehouse_.insert_recommendation(record);
    } catch (const std::exception& e) {
      log::warn("served_log.write_failed", "error", e.what());
    }
    lock.lock();
    ++written_;
    changed_.notify_all();
  }
}

}  // namespace mxn::api

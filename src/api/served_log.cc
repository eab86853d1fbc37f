#include "api/served_log.h"

#include <algorithm>
#include <iterator>
#include <vector>

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
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= kMaxPending) {
      pending_.pop_front();
      ++dropped_;
      ++written_;  // counted as done, so flush() does not wait for it
    }
    pending_.push_back(std::move(record));
    ++enqueued_;
    // The writer waits for the first list, then for a full batch (or its delay): other records need no call.
    wake = pending_.size() == 1 || pending_.size() == kMaxBatch;
  }
  if (wake) changed_.notify_all();
}

void ServedLog::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = enqueued_;
  flush_target_ = std::max(flush_target_, target);
  changed_.notify_all();
  changed_.wait(lock, [&] { return written_ >= target; });
}

std::uint64_t ServedLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void ServedLog::run() {
  std::unique_lock lock(mutex_);
  std::vector<warehouse::RecommendationRecord> batch;
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty() && stopping_) return;
    const auto due = std::chrono::steady_clock::now() + kMaxDelay;
    changed_.wait_until(lock, due, [&] {
      return stopping_ || pending_.size() >= kMaxBatch || flush_target_ > written_;
    });
    const std::size_t n = std::min(pending_.size(), kMaxBatch);
    batch.assign(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.begin() + static_cast<std::ptrdiff_t>(n)));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    try {
      warehouse_.insert_recommendations(batch);
    } catch (const std::exception& e) {
      log::warn("served_log.write_failed", "lists", batch.size(), "error", e.what());
    }
    lock.lock();
    written_ += n;
    changed_.notify_all();
  }
}

}  // namespace mxn::api

#include "api/served_log.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "core/log.h"
#include "core/time.h"
#include "warehouse/warehouse.h"

namespace mxn::api {

ServedLog::ServedLog(warehouse::Warehouse& warehouse, Metrics& metrics, int retention_days)
    : warehouse_(warehouse), metrics_(metrics), retention_days_(retention_days) {
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
      metrics_.add_served_lists(0, 1);
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

void ServedLog::clean_up() {
  if (retention_days_ <= 0) return;
  const std::int64_t before = now_us() - static_cast<std::int64_t>(retention_days_) * 86'400'000'000;
  try {
    const auto deleted = warehouse_.delete_recommendations_before(before);
    if (deleted > 0) log::info("served_log.expired", "lists", deleted, "retention_days", retention_days_);
  } catch (const std::exception& e) {
    log::warn("served_log.clean_up_failed", "error", e.what());
  }
}

void ServedLog::run() {
  std::unique_lock lock(mutex_);
  std::vector<warehouse::RecommendationRecord> batch;
  auto next_clean_up = std::chrono::steady_clock::now();
  auto next_drop_report = std::chrono::steady_clock::now();
  for (;;) {
    changed_.wait_until(lock, next_clean_up, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty() && stopping_) return;
    if (std::chrono::steady_clock::now() >= next_clean_up) {
      lock.unlock();
      clean_up();
      lock.lock();
      next_clean_up = std::chrono::steady_clock::now() + kCleanUpEvery;
      continue;
    }
    if (pending_.empty()) continue;
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
      metrics_.add_served_lists(n, 0);
    } catch (const std::exception& e) {
      metrics_.add_served_lists(0, n);
      log::warn("served_log.write_failed", "lists", batch.size(), "error", e.what());
    }
    lock.lock();
    written_ += n;
    if (dropped_ > dropped_reported_ && std::chrono::steady_clock::now() >= next_drop_report) {
      log::warn("served_log.dropped", "lists", dropped_ - dropped_reported_, "total", dropped_, "advice",
                "the recommendations table cannot keep up; the count is mxn_served_lists_dropped_total");
      dropped_reported_ = dropped_;
      next_drop_report = std::chrono::steady_clock::now() + kDropReportEvery;
    }
    changed_.notify_all();
  }
}

}  // namespace mxn::api

#pragma once
// ServedLog: writes every served recommendation list to the warehouse's `recommendations` table off the
// request path: requests enqueue, one background thread writes what is pending in one transaction (up to
// kMaxBatch lists) once the oldest has waited kMaxDelay or kMaxBatch are pending, so that under load a
// commit carries many lists, not a few. flush() and the destructor write at once. The queue is bounded;
// when the warehouse cannot keep up, the oldest pending lists are dropped and counted (they are a record,
// not user data): the count is in /metrics (mxn_served_lists_dropped_total) and in a warning at most every
// kDropReportEvery. Lists older than warehouse.served_retention_days are deleted at start and every hour.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "api/metrics.h"
#include "warehouse/records.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::api {

class ServedLog {
 public:
  static constexpr std::size_t kMaxPending = 10000;
  static constexpr std::size_t kMaxBatch = 2048;
  static constexpr std::chrono::milliseconds kMaxDelay{200};
  static constexpr std::chrono::seconds kDropReportEvery{10};
  static constexpr std::chrono::hours kCleanUpEvery{1};

  /// retention_days 0: served lists are kept forever.
  ServedLog(warehouse::Warehouse& warehouse, Metrics& metrics, int retention_days);
  /// Writes what is pending, then stops.
  ~ServedLog();
  ServedLog(const ServedLog&) = delete;
  ServedLog& operator=(const ServedLog&) = delete;

  void record(warehouse::RecommendationRecord record);
  /// Blocks until everything recorded so far is written (tests, shutdown).
  void flush();
  std::uint64_t dropped() const;

 private:
  void run();
  void clean_up();

  warehouse::Warehouse& warehouse_;
  Metrics& metrics_;
  int retention_days_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<warehouse::RecommendationRecord> pending_;
  std::uint64_t dropped_ = 0;
  std::uint64_t dropped_reported_ = 0;  // dropped_ when the last warning was logged
  std::uint64_t enqueued_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t flush_target_ = 0;  // flush() wants everything up to here written now
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mxn::api

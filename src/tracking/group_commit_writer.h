#pragma once
// Group commit: one writer thread drains a queue of pending batches and writes everything pending in ONE
// transaction (Warehouse::append_interactions), then wakes each caller. A call returns only after its rows are
// committed, or throws the error that failed the commit. Concurrent single writes thus share transactions
// (one WAL sync for many callers) while each stays acknowledged-only-when-durable.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.h"
#include "warehouse/records.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::tracking {

class GroupCommitWriter {
 public:
  /// After a commit that served several callers, how long the writer waits for them to come back before it
  /// starts the next transaction with fewer rows: a commit costs about the same for 4 rows as for 64.
  static constexpr std::chrono::microseconds kGatherWindow{500};

  /// Called on the writer thread after each successful commit with every row of that transaction (ids,
  /// weights and timestamps set), before the callers are woken. Exceptions it throws are logged and dropped.
  using Observer = std::function<void(std::span<const warehouse::InteractionRecord>)>;

  /// `max_batch_rows`: most rows in one transaction, except that a single larger batch is written alone.
  GroupCommitWriter(warehouse::Warehouse& warehouse, std::size_t max_batch_rows);
  /// Writes what is still queued, then stops the thread. No write() may be in flight or start meanwhile.
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  /// Blocks until `rows` are committed, all in the same transaction; returns the id of the first (the rest
  /// follow consecutively). Error{kUnavailable} when the writer is stopping.
  std::int64_t write(std::vector<warehouse::InteractionRecord> rows);

  void set_observer(Observer observer);

  /// Runs `change` while no commit is between its warehouse write and its observer call, and returns what it
  /// returns. A change that writes the warehouse and then updates what the observer maintains (a deletion, a
  /// catalog upsert) thus lands in memory in the warehouse's order: a row committed before a deletion is
  /// observed before it, never after. `change` must not call write() (it would wait for itself).
  template <class Change>
  decltype(auto) exclusively(Change&& change) {
    std::lock_guard lock(apply_mutex_);
    return std::forward<Change>(change)();
  }
  /// Transactions committed so far.
  std::uint64_t commits() const;
  /// Rows committed so far.
  std::uint64_t rows_committed() const;

 private:
  struct Pending {
    std::vector<warehouse::InteractionRecord> rows;
    std::size_t count = 0;
    bool done = false;
    std::int64_t first_id = 0;
    std::optional<Error> error;
    std::condition_variable done_cv;
  };

  void run();
  /// Writes `rows` and calls the observer; the error that failed the write, if any.
  std::optional<Error> apply(std::vector<warehouse::InteractionRecord>& rows);

  warehouse::Warehouse& warehouse_;
  const std::size_t max_batch_rows_;

  mutable std::mutex mutex_;  // guards the queue, the counters and every Pending's result
  std::condition_variable work_cv_;
  std::deque<Pending*> queue_;
  std::size_t queued_rows_ = 0;
  bool stopping_ = false;
  std::uint64_t commits_ = 0;
  std::uint64_t rows_committed_ = 0;

  std::mutex apply_mutex_;  // held from a commit's write to its observer's return, and by exclusively()
  Observer observer_;

  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace mxn::tracking

#include "tracking/group_commit_writer.h"

#include <iterator>

#include "core/log.h"
#include "warehouse/warehouse.h"

namespace mxn::tracking {

GroupCommitWriter::GroupCommitWriter(warehouse::Warehouse& warehouse, std::size_t max_batch_rows)
    : warehouse_(warehouse), max_batch_rows_(max_batch_rows == 0 ? 1 : max_batch_rows), thread_([this] { run(); }) {}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_one();
  thread_.join();
}

std::int64_t GroupCommitWriter::write(std::vector<warehouse::InteractionRecord> rows) {
  if (rows.empty()) return 0;
  Pending pending;
  pending.count = rows.size();
  pending.rows = std::move(rows);
  {
    std::unique_lock lock(mutex_);
    if (stopping_) throw Error(Code::kUnavailable, "the interaction writer is shutting down");
    queue_.push_back(&pending);
    queued_rows_ += pending.count;
    work_cv_.notify_one();
    pending.done_cv.wait(lock, [&] { return pending.done; });
  }
  if (pending.error) throw *pending.error;
  return pending.first_id;
}

void GroupCommitWriter::set_observer(Observer observer) {
  std::lock_guard lock(apply_mutex_);
  observer_ = std::move(observer);
}

std::uint64_t GroupCommitWriter::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

std::uint64_t GroupCommitWriter::rows_committed() const {
  std::lock_guard lock(mutex_);
  return rows_committed_;
}

std::optional<Error> GroupCommitWriter::apply(std::vector<warehouse::InteractionRecord>& rows) {
  std::lock_guard lock(apply_mutex_);
  std::optional<Error> error;
  try {
    warehouse_.append_interactions(rows);
  } catch (const Error& e) {
    error = e;
  } catch (const std::exception& e) {
    error = Error(Code::kUnavailable, std::string("writing interactions failed: ") + e.what());
  }
  if (error) {
    log::error("tracking.commit_failed", "rows", rows.size(), "error", error->what());
    return error;
  }
  if (!observer_) return std::nullopt;
  try {
    observer_(rows);
  } catch (const std::exception& e) {
    log::error("tracking.observer_failed", "rows", rows.size(), "error", e.what());
  }
  return std::nullopt;
}

void GroupCommitWriter::run() {
  std::vector<Pending*> group;
  std::vector<warehouse::InteractionRecord> rows;
  std::size_t last_callers = 1;  // callers served by the previous commit
  for (;;) {
    std::size_t total = 0;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has been written
      if (last_callers > 1) {
        // The callers just woken are resubmitting: give them a moment to join this transaction.
        work_cv_.wait_for(lock, kGatherWindow, [&] {
          return stopping_ || queue_.size() >= last_callers || queued_rows_ >= max_batch_rows_;
        });
      }
      while (!queue_.empty()) {
        Pending* next = queue_.front();
        if (!group.empty() && total + next->count > max_batch_rows_) break;
        total += next->count;
        group.push_back(next);
        queue_.pop_front();
      }
      queued_rows_ -= total;
      last_callers = group.size();
    }
    // The callers wait, so their rows can be moved into one batch without copying the strings.
    if (group.size() == 1) {
      rows.swap(group.front()->rows);
    } else {
      rows.reserve(total);
      for (Pending* p : group) {
        rows.insert(rows.end(), std::make_move_iterator(p->rows.begin()), std::make_move_iterator(p->rows.end()));
      }
    }

    const std::optional<Error> error = apply(rows);

    {
      std::lock_guard lock(mutex_);
      if (!error) {
        ++commits_;
        rows_committed_ += rows.size();
      }
      std::int64_t next_id = rows.empty() ? 0 : rows.front().id;
      for (Pending* p : group) {
        p->first_id = error ? 0 : next_id;
        next_id += static_cast<std::int64_t>(p->count);
        p->error = error;
        p->done = true;
        p->done_cv.notify_one();  // under the lock: the caller cannot return (and free *p) before we are done
      }
    }
    group.clear();
    rows.clear();
  }
}

}  // namespace mxn::tracking

#pragma once
// BehaviorTracker: the way interactions enter mxn. It validates each interaction against config (every
// problem reported with its field), computes its implicit-feedback weight, and writes through a group-commit
// writer: a call returns only once its rows are committed to the warehouse, and concurrent calls share
// transactions. Users and catalog rows are created on first sight. A commit observer sees every committed
// row (the hook for the live in-memory user index).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/interaction.h"
#include "tracking/group_commit_writer.h"
#include "tracking/interaction_validator.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::tracking {

class BehaviorTracker {
 public:
  using CommitObserver = GroupCommitWriter::Observer;

  /// `warehouse` must outlive the tracker. Types, weights and limits come from `interactions`, accepted
  /// domains from `domains` (enabled ones), the largest transaction from `writer.max_batch_rows`.
  BehaviorTracker(warehouse::Warehouse& warehouse, const config::InteractionsConfig& interactions,
                  const std::map<std::string, config::DomainConfig>& domains,
                  const config::WarehouseConfig& writer);
  /// Commits what is already queued, then stops the writer. No call may be in flight or start meanwhile.
  ~BehaviorTracker();
  BehaviorTracker(const BehaviorTracker&) = delete;
  BehaviorTracker& operator=(const BehaviorTracker&) = delete;

  /// Validates, weighs and commits one interaction; returns its id. Error{kInvalidArgument} listing every
  /// problem (field = the first one's) when invalid; the commit's Error when the write fails.
  std::int64_t track(const Interaction& interaction);

  /// All or nothing: any invalid interaction rejects the whole batch with an Error listing each problem as
  /// "interactions[<index>].<field>". Otherwise commits them in one transaction; returns their ids in order.
  std::vector<std::int64_t> track_many(std::span<const Interaction> interactions);

  std::int64_t track_view(std::string user_id, std::string domain, std::string item_id,
                          std::optional<std::int64_t> timestamp_us = {}, std::string metadata = {});
  std::int64_t track_click(std::string user_id, std::string domain, std::string item_id,
                           std::optional<std::int64_t> timestamp_us = {}, std::string metadata = {});
  std::int64_t track_play(std::string user_id, std::string domain, std::string item_id,
                          std::optional<std::int64_t> timestamp_us = {}, std::string metadata = {});
  std::int64_t track_skip(std::string user_id, std::string domain, std::string item_id,
                          std::optional<std::int64_t> timestamp_us = {}, std::string metadata = {});
  std::int64_t track_like(std::string user_id, std::string domain, std::string item_id,
                          std::optional<std::int64_t> timestamp_us = {}, std::string metadata = {});
  std::int64_t track_dislike(std::string user_id, std::string domain, std::string item_id,
                             std::optional<std::int64_t> timestamp_us = {}, std::string metadata = {});
  std::int64_t track_complete(std::string user_id, std::string domain, std::string item_id,
                              std::optional<std::int64_t> timestamp_us = {}, std::string metadata = {});
  std::int64_t track_rating(std::string user_id, std::string domain, std::string item_id, double rating,
                            std::optional<std::int64_t> timestamp_us = {}, std::string metadata = {});

  /// Replaces the observer called after each commit (see GroupCommitWriter::Observer). It runs on the writer
  /// thread before the callers are woken, so it must be quick and must not call track*() (that would wait for
  /// the writer it is blocking).
  void set_commit_observer(CommitObserver observer);
  /// Runs `change` between commits (see GroupCommitWriter::exclusively): for warehouse changes that the
  /// commit observer's state must see in the same order as the commits.
  template <class Change>
  decltype(auto) exclusively(Change&& change) {
    return writer_.exclusively(std::forward<Change>(change));
  }
  /// Transactions committed by this tracker's writer.
  std::uint64_t commits() const;
  const InteractionValidator& validator() const { return validator_; }

 private:
  std::int64_t track_typed(std::string type, std::string user_id, std::string domain, std::string item_id,
                           std::optional<double> rating, std::optional<std::int64_t> timestamp_us,
                           std::string metadata);

  InteractionValidator validator_;
  GroupCommitWriter writer_;
};

}  // namespace mxn::tracking

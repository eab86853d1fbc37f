#include "tracking/behavior_tracker.h"

#include "core/error.h"
#include "core/time.h"
#include "warehouse/warehouse.h"

namespace mxn::tracking {

BehaviorTracker::BehaviorTracker(warehouse::Warehouse& warehouse, const config::InteractionsConfig& interactions,
                                 const std::map<std::string, config::DomainConfig>& domains,
                                 const config::WarehouseConfig& writer)
    : validator_(interactions, domains),
      writer_(warehouse, static_cast<std::size_t>(writer.max_batch_rows > 0 ? writer.max_batch_rows : 1)) {}

BehaviorTracker::~BehaviorTracker() = default;

std::int64_t BehaviorTracker::track(const Interaction& interaction) {
  std::vector<FieldError> problems;
  auto record = validator_.validate(interaction, now_us(), "", problems);
  if (!record) throw Error(std::move(problems));
  std::vector<warehouse::InteractionRecord> rows;
  rows.push_back(std::move(*record));
  return writer_.write(std::move(rows));
}

std::vector<std::int64_t> BehaviorTracker::track_many(std::span<const Interaction> interactions) {
  if (interactions.empty()) return {};
  const std::int64_t now = now_us();
  std::vector<FieldError> problems;
  std::vector<warehouse::InteractionRecord> rows;
  rows.reserve(interactions.size());
  std::string prefix;
  for (std::size_t i = 0; i < interactions.size(); ++i) {
    prefix = "interactions[" + std::to_string(i) + "].";
    auto record = validator_.validate(interactions[i], now, prefix, problems);
    if (record && problems.empty()) rows.push_back(std::move(*record));
  }
  if (!problems.empty()) throw Error(std::move(problems));
  const std::int64_t first = writer_.write(std::move(rows));
  std::vector<std::int64_t> ids(interactions.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = first + static_cast<std::int64_t>(i);
  return ids;
}

std::int64_t BehaviorTracker::track_typed(std::string type, std::string user_id, std::string domain,
                                          std::string item_id, std::optional<double> rating,
                                          std::optional<std::int64_t> timestamp_us, std::string metadata) {
  Interaction interaction;
  interaction.user_id = std::move(user_id);
  interaction.domain = std::move(domain);
  interaction.item_id = std::move(item_id);
  interaction.type = std::move(type);
  interaction.rating = rating;
  interaction.timestamp_us = timestamp_us;
  interaction.metadata = std::move(metadata);
  return track(interaction);
}

#define MXN_TRACK_TYPE(method, type_name)                                                                  \
  std::int64_t BehaviorTracker::method(std::string user_id, std::string domain, std::string item_id,      \
                                       std::optional<std::int64_t> timestamp_us, std::string metadata) {  \
    return track_typed(type_name, std::move(user_id), std::move(domain), std::move(item_id), std::nullopt, \
                       timestamp_us, std::move(metadata));                                                 \
  }
MXN_TRACK_TYPE(track_view, "view")
MXN_TRACK_TYPE(track_click, "click")
MXN_TRACK_TYPE(track_play, "play")
MXN_TRACK_TYPE(track_skip, "skip")
MXN_TRACK_TYPE(track_like, "like")
MXN_TRACK_TYPE(track_dislike, "dislike")
MXN_TRACK_TYPE(track_complete, "complete")
#undef MXN_TRACK_TYPE

std::int64_t BehaviorTracker::track_rating(std::string user_id, std::string domain, std::string item_id,
                                           double rating, std::optional<std::int64_t> timestamp_us,
                                           std::string metadata) {
  return track_typed("rating", std::move(user_id), std::move(domain), std::move(item_id), rating, timestamp_us,
                     std::move(metadata));
}

void BehaviorTracker::set_commit_observer(CommitObserver observer) { writer_.set_observer(std::move(observer)); }

std::uint64_t BehaviorTracker::commits() const { return writer_.commits(); }

}  // namespace mxn::tracking

#include "data/snapshot.h"

#include <fmt/format.h>

#include "warehouse/warehouse.h"

namespace mxn::data {

DomainSnapshot snapshot_domain(const warehouse::Warehouse& warehouse, const std::string& domain,
                               const RatingScale& ratings, int threads) {
  DomainSnapshot snap;
  snap.domain = domain;
  for (const auto& item : warehouse.list_items(domain)) snap.items.get_or_add(item.item_id);

  std::vector<Triplet> triplets;
  std::int64_t max_ts = 0;
  warehouse.scan_interactions(domain, [&](const warehouse::InteractionChunk& chunk) {
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      const auto& rating = chunk.ratings[i];
      const bool is_rating = rating.has_value();
      triplets.push_back({.user = snap.users.get_or_add(chunk.user_ids[i]),
                          .item = snap.items.get_or_add(chunk.item_ids[i]),
                          .weight = static_cast<float>(is_rating ? ratings.value(*rating) : chunk.weights[i]),
                          .timestamp_us = chunk.timestamps_us[i],
                          .is_rating = is_rating});
      max_ts = std::max(max_ts, chunk.timestamps_us[i]);
    }
  });
  snap.n_interactions = static_cast<std::int64_t>(triplets.size());
  snap.fingerprint = fmt::format("rows={} latest={} users={:016x} items={:016x}", snap.n_interactions, max_ts,
                                 snap.users.checksum(), snap.items.checksum());
  snap.matrix = InteractionMatrix::from_triplets(std::move(triplets), static_cast<UserIndex>(snap.users.size()),
                                                 static_cast<ItemIndex>(snap.items.size()), threads);
  return snap;
}

}  // namespace mxn::data

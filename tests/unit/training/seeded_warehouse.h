#pragma once
// A warehouse in a temporary directory filled by the seed generator through the tracker, for the
// training and engine tests.

#include <memory>

#include "core/config.h"
#include "data/seed_generator.h"
#include "test_util.h"
#include "tracking/behavior_tracker.h"
#include "warehouse/warehouse.h"

namespace mxn::testing {

/// Small, fast models for tests: item-KNN, ALS (8 factors, 4 iterations) and embedding in every domain.
inline config::Config fast_config() {
  config::Config c;
  for (auto& [name, d] : c.domains) {
    d.models.enabled = {"knn", "collab", "embedding"};
    d.models.collab.als.factors = 8;
    d.models.collab.als.iterations = 4;
  }
  return c;
}

/// A small seed: `users` users, `items` items per domain, `interactions` in all, in `domains`.
inline data::SeedOptions small_seed(int users, int items, std::int64_t interactions,
                                    std::vector<std::string> domains = {"movies", "music"}) {
  data::SeedOptions o;
  o.users = users;
  o.items = items;
  o.interactions = interactions;
  o.domains = std::move(domains);
  return o;
}

struct SeededWarehouse {
  TempDir dir;
  config::Config config;
  std::unique_ptr<warehouse::Warehouse> warehouse;

  explicit SeededWarehouse(data::SeedOptions options, config::Config base = {}) : config(std::move(base)) {
    config.warehouse.path = dir.file("warehouse.duckdb");
    config.models.store_dir = dir.file("models");
    warehouse = std::make_unique<warehouse::Warehouse>(config.warehouse);
    data::SeedGenerator generator(options);
    for (const auto& domain : options.domains) warehouse->upsert_items(generator.catalog(domain));
    tracking::BehaviorTracker tracker(*warehouse, config.interactions, config.domains, config.warehouse);
    generator.interactions(50000, [&](std::vector<Interaction>& chunk) { tracker.track_many(chunk); });
  }
};

}  // namespace mxn::testing

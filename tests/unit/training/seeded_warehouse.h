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

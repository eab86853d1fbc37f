#pragma once
// A seeded warehouse, trained once, served by a started RecommendationEngine: what the automation tests
// run against. Small on purpose (fast_config(): item-KNN, a tiny ALS, embedding) so that a suite sets it up in
// about a second.

#include <memory>
#include <set>
#include <span>
#include <string>

#include "../training/seeded_warehouse.h"
#include "engine/model_store.h"
#include "engine/recommendation_engine.h"
#include "training/training_pipeline.h"
#include "warehouse/warehouse.h"

namespace mxn::testing {

struct TrainedEngine {
  SeededWarehouse seeded;
  engine::ModelStore store;
  training::TrainingPipeline pipeline;
  engine::RecommendationEngine engine;

  explicit TrainedEngine(const data::SeedOptions& options)
      : seeded(options, fast_config()),
        store(seeded.config.models.store_dir, 2),
        pipeline(*seeded.warehouse, store, seeded.config),
        engine(*seeded.warehouse, store, seeded.config) {
    for (const auto& domain : options.domains) pipeline.run(domain);
    engine.start();
  }

  /// Commits nothing to the warehouse: feeds the engine's live index as the tracker's observer would.
  void observe(const std::string& user, const std::string& domain, const std::string& item, const std::string& type,
               double weight, std::int64_t at_us) {
    warehouse::InteractionRecord r{.user_id = user, .domain = domain, .item_id = item, .type = type,
                                   .weight = weight, .timestamp_us = at_us};
    engine.observe(std::span<const warehouse::InteractionRecord>(&r, 1));
  }

  /// Every item the user interacted with in `domain`, per the warehouse.
  std::set<std::string> history(const std::string& user, const std::string& domain, const std::string& type = "") {
    std::set<std::string> out;
    for (const auto& r : seeded.warehouse->user_history(user, {.domain = domain, .limit = 100000})) {
      if (type.empty() || r.type == type) out.insert(r.item_id);
    }
    return out;
  }
};

}  // namespace mxn::testing

#pragma once
// What the handlers work with: the parts of a running server, owned by api::Server.

#include "api/metrics.h"
#include "api/served_log.h"
#include "core/config.h"
#include "engine/model_store.h"
#include "engine/recommendation_engine.h"
#include "tracking/behavior_tracker.h"
#include "training/training_service.h"
#include "warehouse/warehouse.h"

namespace mxn::api {

struct Services {
  const config::Config& config;
  warehouse::Warehouse& warehouse;
  tracking::BehaviorTracker& tracker;
  engine::RecommendationEngine& engine;
  engine::ModelStore& store;
  training::TrainingService& training;
  Metrics& metrics;
  ServedLog& served;
};

/// Sets mxn_model_version of every model `engine` serves in `domain` (at start, after a training or a
/// rollback).
void record_model_versions(Metrics& metrics, const engine::RecommendationEngine& engine,
                           const std::string& domain);

}  // namespace mxn::api

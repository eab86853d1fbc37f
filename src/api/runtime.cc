#include "api/runtime.h"

#include "api/routes.h"
#include "core/log.h"

namespace mxn::api {

void record_model_versions(Metrics& metrics, const engine::RecommendationEngine& engine,
                           const std::string& domain) {
  for (const auto& [model, served] : engine.models(domain)->models) {
    metrics.set_model_version(domain, model, served.meta.version);
  }
}

Runtime::Runtime(config::Config owned, bool with_scheduler) : config_(std::move(owned)) {
  const config::Config& config = config_;
  warehouse_ = std::make_unique<warehouse::Warehouse>(config.warehouse);
  store_ = std::make_unique<engine::ModelStore>(config.models.store_dir, config.models.versions_kept);
  tracker_ = std::make_unique<tracking::BehaviorTracker>(*warehouse_, config.interactions, config.domains,
                                                         config.warehouse);
  engine_ = std::make_unique<engine::RecommendationEngine>(*warehouse_, *store_, config);
  engine_->start();
  tracker_->set_commit_observer(
      [this](std::span<const warehouse::InteractionRecord> rows) { engine_->observe(rows); });
  for (const auto& [domain, d] : config.domains) {
    if (d.enabled) record_model_versions(metrics_, *engine_, domain);
  }
  pipeline_ = std::make_unique<training::TrainingPipeline>(*warehouse_, *store_, config);
  training_ = std::make_unique<training::TrainingService>(
      *pipeline_, *warehouse_, config, [this](const training::TrainingSummary& summary) {
        engine_->publish(summary.domain);
        record_model_versions(metrics_, *engine_, summary.domain);
        metrics_.observe_training(summary.domain, summary.status, summary.seconds);
        for (const auto& run : summary.models) {
          if (run.status == "held_back") metrics_.add_held_back(summary.domain, run.model);
        }
      });
  if (with_scheduler) training_->start_scheduler();
  served_ = std::make_unique<ServedLog>(*warehouse_, metrics_, config.warehouse.served_retention_days);
  services_ = std::unique_ptr<Services>(
      new Services{config, *warehouse_, *tracker_, *engine_, *store_, *training_, metrics_, *served_});
  app_ = std::make_unique<App>(make_routes(*services_), config.api.keys, metrics_);
}

Runtime::~Runtime() {
  // The parts that run threads first, then the rest in reverse order of construction.
  served_.reset();
  training_.reset();
  tracker_->set_commit_observer({});
}

}  // namespace mxn::api

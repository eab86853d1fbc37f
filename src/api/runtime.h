#pragma once
// Runtime: a running mxn without its HTTP layer — warehouse, tracker, engine, training service (with its
// scheduler when asked), served-list log, metrics, and the App that answers API requests over them.
// api::Server puts HTTP in front of one; the Python module (python/) calls one in-process.

#include <memory>

#include "api/app.h"
#include "api/services.h"
#include "engine/model_store.h"
#include "training/training_pipeline.h"

namespace mxn::api {

class Runtime {
 public:
  /// Opens the warehouse and loads the stored models (never trains); keeps its own copy of `config`.
  /// Errors: the warehouse's (file locked by another process, ...).
  Runtime(config::Config config, bool with_scheduler);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  Services& services() { return *services_; }
  const config::Config& config() const { return config_; }
  /// Every route of the API (api/routes.h), with the config's API keys.
  const App& app() const { return *app_; }

 private:
  const config::Config config_;
  std::unique_ptr<warehouse::Warehouse> warehouse_;
  std::unique_ptr<engine::ModelStore> store_;
  Metrics metrics_;
  std::unique_ptr<tracking::BehaviorTracker> tracker_;
  std::unique_ptr<engine::RecommendationEngine> engine_;
  std::unique_ptr<training::TrainingPipeline> pipeline_;
  std::unique_ptr<training::TrainingService> training_;
  std::unique_ptr<ServedLog> served_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<App> app_;
};

}  // namespace mxn::api

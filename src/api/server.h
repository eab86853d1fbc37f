#pragma once
// Server: a running mxn — warehouse, tracker, engine, training service with its scheduler, served-list log,
// metrics, and the HTTP API over them. `mxn serve` and the integration tests build one.

#include <memory>

#include "api/app.h"
#include "api/http_server.h"
#include "api/services.h"
#include "engine/model_store.h"
#include "training/training_pipeline.h"

namespace mxn::api {

class Server {
 public:
  /// Opens the warehouse, loads the stored models (never trains) and binds config.api.host:port (0 = any free
  /// port). Errors: the warehouse's (file locked, ...) or Error{kUnavailable} when the port cannot be bound.
  Server(const config::Config& config, bool with_scheduler);
  ~Server();

  int port() const { return port_; }
  /// Serves until stop(); blocks.
  void run();
  /// Safe from any thread.
  void stop();
  Services& services() { return *services_; }

 private:
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
  std::unique_ptr<HttpServer> http_;
  int port_ = 0;
};

}  // namespace mxn::api

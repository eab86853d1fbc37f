#include "api/server.h"

#include <algorithm>
#include <thread>

#include "api/routes.h"
#include "core/log.h"

namespace mxn::api {

namespace {
bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}
}  // namespace

Server::Server(const config::Config& config, bool with_scheduler) {
  warehouse_ = std::make_unique<warehouse::Warehouse>(config.warehouse);
  store_ = std::make_unique<engine::ModelStore>(config.models.store_dir, config.models.versions_kept);
  tracker_ = std::make_unique<tracking::BehaviorTracker>(*warehouse_, config.interactions, config.domains,
                                                         config.warehouse);
  engine_ = std::make_unique<engine::RecommendationEngine>(*warehouse_, *store_, config);
  engine_->start();
  tracker_->set_commit_observer([this](std::span<const warehouse::InteractionRecord> rows) { engine_->observe(rows); });
  for (const auto& [domain, d] : config.domains) {
    if (!d.enabled) continue;
    for (const auto& [model, served] : engine_->models(domain)->models) {
      metrics_.set_model_version(domain, model, served.meta.version);
    }
  }
  pipeline_ = std::make_unique<training::TrainingPipeline>(*warehouse_, *store_, config);
  training_ = std::make_unique<training::TrainingService>(
      *pipeline_, *warehouse_, config, [this](const training::TrainingSummary& summary) {
        engine_->publish(summary.domain);
        for (const auto& [model, served] : engine_->models(summary.domain)->models) {
          metrics_.set_model_version(summary.domain, model, served.meta.version);
        }
        metrics_.observe_training(summary.domain, summary.status, summary.seconds);
      });
  if (with_scheduler) training_->start_scheduler();
  served_ = std::make_unique<ServedLog>(*warehouse_, metrics_, config.warehouse.served_retention_days);
  services_ = std::unique_ptr<Services>(
      new Services{config, *warehouse_, *tracker_, *engine_, *training_, metrics_, *served_});
  app_ = std::make_unique<App>(make_routes(*services_), config.api.keys, metrics_);
  http_ = make_http_server({.io_threads = config.api.io_threads > 0 ? config.api.io_threads
                                                               : static_cast<int>(std::max(2u, std::thread::hardware_concurrency())),
                            .threads = config.api.threads,
                            .max_body_bytes = static_cast<std::size_t>(config.api.max_body_bytes),
                            .idle_seconds = config.api.idle_timeout_seconds,
                            .request_seconds = config.api.request_timeout_seconds,
                            .max_connections = static_cast<std::size_t>(config.api.max_connections)});
  port_ = http_->bind(config.api.host, config.api.port);
  if (!is_loopback(config.api.host) && config.api.keys.empty()) {
    log::warn("api.unprotected", "host", config.api.host,
              "advice", "bound beyond loopback without API keys: set api.keys or MXN_API_KEYS");
  }
  log::info("api.listening", "host", config.api.host, "port", port_, "auth", config.api.keys.empty() ? "off" : "on",
            "scheduler", with_scheduler ? "on" : "off");
}

Server::~Server() {
  // Stop taking requests first, then let the parts below them finish in reverse order of construction.
  http_.reset();
  served_.reset();
  training_.reset();
  tracker_->set_commit_observer({});
}

void Server::run() {
  http_->serve({[this](const Request& q, Response& r) { app_->dispatch(q, r); },
                [this](Request& q) { return app_->waits(q); },
                [this](int status, const Error& e, Response& r) { app_->reject(status, e, r); }});
}

void Server::stop() { http_->stop(); }

}  // namespace mxn::api

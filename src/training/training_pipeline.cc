#include "training/training_pipeline.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <cmath>
#include <random>
#include <sstream>

#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "data/snapshot.h"
#include "data/split.h"
#include "models/embedding.h"
#include "models/registry.h"
#include "text/encoder_factory.h"
#include "training/item_vectors.h"
#include "warehouse/warehouse.h"

namespace mxn::training {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// "factors=64 alpha=10 feedback=auto" -> {"factors": 64, "alpha": 10, "feedback": "auto"}.
nlohmann::json params_json(const std::string& text) {
  nlohmann::json out = nlohmann::json::object();
  std::istringstream in(text);
  for (std::string pair; in >> pair;) {
    auto eq = pair.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = pair.substr(0, eq), value = pair.substr(eq + 1);
    char* end = nullptr;
    const double number = std::strtod(value.c_str(), &end);
    if (!value.empty() && end == value.c_str() + value.size() && std::isfinite(number)) {
      out[key] = number;
    } else {
      out[key] = value;
    }
  }
  return out;
}

std::string new_run_id(const std::string& domain, const std::string& model) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  return fmt::format("{}-{}-{:x}-{:06x}", domain, model, now_us() / 1000000, rng() & 0xffffff);
}

}  // namespace

nlohmann::json metrics_json(const eval::Metrics& m) {
  const std::string k = std::to_string(m.k);
  return {{"users", m.users},          {"precision@" + k, m.precision}, {"recall@" + k, m.recall},
          {"ndcg@" + k, m.ndcg},       {"map@" + k, m.map},             {"hit_rate@" + k, m.hit_rate},
          {"mrr@" + k, m.mrr},         {"coverage", m.coverage}};
}

TrainingPipeline::TrainingPipeline(warehouse::Warehouse& warehouse, engine::ModelStore& store,
                                   const config::Config& config)
    : warehouse_(warehouse), store_(store), config_(config) {
  // A configured model folder that is missing or broken is a start-up error, not a failed run hours later.
  for (const auto& [domain, d] : config_.domains) {
    const auto& enabled = d.models.enabled;
    if (!d.enabled || d.models.embedding.encoder != "minilm" ||
        std::find(enabled.begin(), enabled.end(), "embedding") == enabled.end()) {
      continue;
    }
    try {
      text::make_text_encoder(d.models.embedding);
    } catch (const Error& e) {
      throw Error(e.code(), e.what(), "domains." + domain + ".models.embedding.model_path");
    }
  }
}

TrainingSummary TrainingPipeline::run(const std::string& domain, const std::vector<std::string>& only,
                                      const Progress& progress) const {
  const config::DomainConfig& domain_config = config_.domain(domain);
  const auto start = Clock::now();
  TrainingSummary summary;
  summary.domain = domain;
  summary.started_at_us = now_us();

  std::vector<std::string> names = only;
  if (names.empty()) {
    names.push_back("popularity");
    names.insert(names.end(), domain_config.models.enabled.begin(), domain_config.models.enabled.end());
  }
  const std::string field_prefix = "domains." + domain + ".models";
  for (const auto& name : names) models::make_recommender(name, domain_config.models, field_prefix);  // validates

  const data::DomainSnapshot snap = data::snapshot_domain(warehouse_, domain, config_.training.threads);
  summary.n_users = static_cast<std::int64_t>(snap.users.size());
  summary.n_items = static_cast<std::int64_t>(snap.items.size());
  summary.n_interactions = snap.n_interactions;
  log::info("train.start", "domain", domain, "users", summary.n_users, "items", summary.n_items, "interactions",
            summary.n_interactions);

  if (snap.n_interactions < config_.training.min_samples) {
    summary.status = "skipped";
    summary.reason = fmt::format("{} interactions, fewer than training.min_samples = {}", snap.n_interactions,
                                 config_.training.min_samples);
    // Too little to learn tastes from, but enough to count: popularity is saved so the domain is served by it.
    std::optional<std::int64_t> version;
    if (snap.matrix.nnz() > 0) {
      auto popularity = models::make_recommender("popularity", domain_config.models, field_prefix);
      popularity->fit(snap.matrix, {.threads = config_.training.threads});
      ModelRun run{.model = "popularity", .type_name = std::string(popularity->type_name()), .status = "succeeded",
                   .params = popularity->params_text()};
      run.version = store_.save(*popularity, snap.users, snap.items,
                                {.domain = domain, .model = "popularity", .n_users = summary.n_users,
                                 .n_items = summary.n_items, .n_interactions = summary.n_interactions,
                                 .data_fingerprint = snap.fingerprint, .created_at_us = now_us()});
      version = run.version;
      summary.models.push_back(std::move(run));
    }
    warehouse_.record_training_run({.run_id = new_run_id(domain, "all"),
                                    .domain = domain,
                                    .model = version ? "popularity" : "all",
                                    .params = "{}",
                                    .n_users = summary.n_users,
                                    .n_items = summary.n_items,
                                    .n_interactions = summary.n_interactions,
                                    .model_version = version,
                                    .status = "skipped",
                                    .error = summary.reason,
                                    .started_at_us = summary.started_at_us,
                                    .finished_at_us = now_us()});
    log::info("train.skipped", "domain", domain, "reason", summary.reason);
    summary.seconds = since(start);
    return summary;
  }

  const data::Split split =
      data::split_random_holdout(snap.matrix, config_.training.test_fraction, config_.training.seed);
  const eval::Evaluator evaluator({.k = static_cast<std::size_t>(config_.training.eval_k),
                                   .threads = config_.training.threads,
                                   .max_users = static_cast<std::size_t>(config_.training.eval_max_users),
                                   .seed = config_.training.seed});

  // The embedding model's item vectors, computed or read from the catalog (it is fitted once: see below).
  auto give_content = [&](models::Recommender& model) {
    auto* embedding = dynamic_cast<models::Embedding*>(&model);
    if (!embedding) return;
    std::shared_ptr<text::TextEncoder> encoder = text::make_text_encoder(embedding->params());
    auto vectors = build_item_vectors(warehouse_, domain, snap.items, *encoder).vectors;
    embedding->set_content(std::move(encoder), std::move(vectors));
  };

  std::size_t failed = 0;
  for (const auto& name : names) {
    const auto model_start = Clock::now();
    ModelRun run;
    run.model = name;
    warehouse::TrainingRun record{.run_id = new_run_id(domain, name),
                                  .domain = domain,
                                  .model = name,
                                  .params = "{}",
                                  .n_users = summary.n_users,
                                  .n_items = summary.n_items,
                                  .n_interactions = summary.n_interactions,
                                  .status = "running",
                                  .started_at_us = now_us()};
    warehouse_.record_training_run(record);
    try {
      models::FitOptions fit{.threads = config_.training.threads};
      if (progress) fit.progress = [&](int it, int total, double loss) { progress(name, it, total, loss); };
      auto evaluated = models::make_recommender(name, domain_config.models, field_prefix);
      give_content(*evaluated);
      const auto fit_start = Clock::now();
      evaluated->fit(split.train, fit);
      run.fit_seconds = since(fit_start);
      run.metrics = evaluator.evaluate(*evaluated, split.train, split.test);

      // A model that does not learn from the interactions (embedding) is already the final one.
      std::unique_ptr<models::Recommender> final_model = std::move(evaluated);
      if (final_model->learns_from_interactions()) {
        final_model = models::make_recommender(name, domain_config.models, field_prefix);
        give_content(*final_model);
        final_model->fit(snap.matrix, fit);
      }
      run.type_name = std::string(final_model->type_name());
      run.params = final_model->params_text();
      engine::ModelMeta meta{.domain = domain,
                             .model = name,
                             .n_users = summary.n_users,
                             .n_items = summary.n_items,
                             .n_interactions = summary.n_interactions,
                             .metrics = metrics_json(run.metrics),
                             .data_fingerprint = snap.fingerprint,
                             .created_at_us = now_us(),
                             .train_seconds = since(model_start)};
      run.version = store_.save(*final_model, snap.users, snap.items, meta);
      run.status = "succeeded";
      record.metrics = meta.metrics.dump();
      record.model_version = run.version;
    } catch (const std::exception& e) {
      run.status = "failed";
      run.error = e.what();
      ++failed;
      log::error("train.model_failed", "domain", domain, "model", name, "error", run.error);
    }
    run.seconds = since(model_start);
    record.params = params_json(run.params).dump();
    record.status = run.status;
    record.error = run.error;
    record.duration_s = run.seconds;
    record.finished_at_us = now_us();
    warehouse_.record_training_run(record);
    log::info("train.model_done", "domain", domain, "model", name, "status", run.status, "version", run.version,
              fmt::format("ndcg@{}", run.metrics.k), fmt::format("{:.4f}", run.metrics.ndcg), "secs",
              fmt::format("{:.2f}", run.seconds));
    summary.models.push_back(std::move(run));
  }
  summary.status = failed == 0 ? "succeeded" : failed == names.size() ? "failed" : "partial";
  summary.seconds = since(start);
  log::info("train.done", "domain", domain, "status", summary.status, "secs", fmt::format("{:.2f}", summary.seconds));
  return summary;
}

}  // namespace mxn::training

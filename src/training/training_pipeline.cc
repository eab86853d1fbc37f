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
#include "models/registry.h"
#include "text/encoder_factory.h"
#include "engine/domain_settings.h"
#include "training/served_evaluation.h"
#include "training/tuner.h"
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

/// The quality gate: why a model that scored `fresh` on the held-out split must not replace the serving
/// version of domain/model, or "" when it may. Held back when its NDCG@k fell below the serving version's
/// (recorded when that one was trained) by more than `max_drop` of it AND by more than the evaluations'
/// noise: twice the standard error of the difference of the two means of per-user NDCGs (the spread each
/// recorded; 0.5, the largest possible, for a version recorded without it), so that a small domain's
/// sampling noise holds nothing back. "" too when there is nothing to compare: no serving version, or no
/// NDCG@k of it.
std::string gate(const engine::ModelStore& store, const std::string& domain, const std::string& model,
                 const eval::Metrics& fresh, double max_drop) {
  const auto serving = store.serving(domain, model);
  if (!serving || fresh.users == 0) return {};
  const std::string key = fmt::format("ndcg@{}", fresh.k);
  double before = 0;
  double before_users = 0;
  double before_stddev = 0.5;
  try {
    const auto metrics = store.meta(domain, model, *serving).metrics;
    if (!metrics.contains(key) || !metrics[key].is_number() || !metrics.contains("users")) return {};
    before = metrics[key].get<double>();
    before_users = metrics["users"].get<double>();
    before_stddev = metrics.value(fmt::format("ndcg_stddev@{}", fresh.k), before_stddev);
  } catch (const std::exception&) {  // an unreadable serving version: nothing to defend
    return {};
  }
  if (before <= 0 || before_users < 1) return {};
  const double drop = before - fresh.ndcg;
  const double noise =
      2 * std::sqrt(before_stddev * before_stddev / before_users +
                    fresh.ndcg_stddev * fresh.ndcg_stddev / static_cast<double>(fresh.users));
  if (drop <= before * max_drop || drop <= noise) return {};
  return fmt::format(
      "held back by the quality gate: {} {:.4f} is {:.0f}% below the serving v{}'s {:.4f} "
      "(training.max_metric_drop = {:g}), more than the evaluations' noise ({:.4f})",
      key, fresh.ndcg, 100 * drop / before, *serving, before, max_drop, noise);
}

}  // namespace

nlohmann::json metrics_json(const eval::Metrics& m) {
  const std::string k = std::to_string(m.k);
  return {{"users", m.users},
          {"precision@" + k, m.precision},
          {"recall@" + k, m.recall},
          {"ndcg@" + k, m.ndcg},
          {"ndcg_stddev@" + k, m.ndcg_stddev},
          {"map@" + k, m.map},
          {"hit_rate@" + k, m.hit_rate},
          {"mrr@" + k, m.mrr},
          {"coverage", m.coverage}};
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
  const engine::DomainSettings settings = engine::domain_settings(config_, store_, domain);
  const config::DomainConfig& domain_config = settings.config;  // with the tuned values in force
  const auto start = Clock::now();
  TrainingSummary summary;
  summary.domain = domain;
  summary.started_at_us = now_us();

  const std::vector<std::string> names = only.empty() ? domain_model_names(domain_config) : only;
  const std::string field_prefix = "domains." + domain + ".models";
  for (const auto& name : names) models::make_recommender(name, domain_config.models, field_prefix);  // validates

  const data::DomainSnapshot snap =
      data::snapshot_domain(warehouse_, domain, domain_config.ratings, config_.training.threads);
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
    auto fitted = fit_models(snap.matrix, {"popularity"},
                             {.models = domain_config.models, .field_prefix = field_prefix,
                              .threads = config_.training.threads});
    if (const auto& popularity = fitted.front().model) {
      ModelRun run{.model = "popularity", .type_name = std::string(popularity->type_name()), .status = "succeeded",
                   .params = popularity->params_text()};
      run.version = store_.save(*popularity, snap.users, snap.items,
                                {.domain = domain, .model = "popularity", .n_users = summary.n_users,
                                 .n_items = summary.n_items, .n_interactions = summary.n_interactions,
                                 .data_fingerprint = snap.fingerprint, .created_at_us = now_us()});
      store_.set_serving(domain, "popularity", run.version);
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
  const std::optional<ItemContent> content =
      item_content_for(names, warehouse_, domain, snap.items, domain_config.models.embedding, progress);
  // Each model is fitted twice, on the training part then on all data: the progress says which.
  auto stage = [&progress](const char* label) -> Progress {
    if (!progress) return {};
    return [&progress, label](const std::string& what, int it, int total, double loss) {
      progress(what + " (" + label + ")", it, total, loss);
    };
  };
  FitRequest request{.models = domain_config.models,
                     .field_prefix = field_prefix,
                     .content = content ? &*content : nullptr,
                     .threads = config_.training.threads,
                     .progress = stage("held-out fit")};

  // Fit on the training part and evaluate what would be served.
  const bool full_run = only.empty();
  std::vector<EvalRow> rows;
  std::vector<double> eval_fit_seconds;
  {
    auto fitted = fit_models(split.train, names, request);
    for (const auto& f : fitted) eval_fit_seconds.push_back(f.fit_seconds);
    ServedEvaluation served(snap.items, split.train, std::move(fitted), domain_config);
    const auto held_out = eval::held_out_users(split.test, RatingScale::kDislikedValue);
    rows = served.evaluate(held_out, {.k = static_cast<std::size_t>(config_.training.eval_k),
                                      .threads = config_.training.threads,
                                      .max_users = static_cast<std::size_t>(config_.training.eval_max_users),
                                      .seed = config_.training.seed});
    if (!full_run) std::erase_if(rows, [](const EvalRow& r) { return r.model == kEnsemble; });
  }
  auto row_of = [&](const std::string& name) {
    return *std::find_if(rows.begin(), rows.end(), [&](const EvalRow& r) { return r.model == name; });
  };

  // Refit on all data and save what learned something.
  request.progress = stage("final fit");
  auto final_models = fit_models(snap.matrix, names, request);
  std::size_t failed = 0;
  for (std::size_t q = 0; q < names.size(); ++q) {
    const auto model_start = Clock::now();
    FittedModel& f = final_models[q];
    const EvalRow evaluated = row_of(f.name);
    ModelRun run{.model = f.name, .metrics = evaluated.metrics, .fit_seconds = f.fit_seconds};
    warehouse::TrainingRun record{.run_id = new_run_id(domain, f.name),
                                  .domain = domain,
                                  .model = f.name,
                                  .params = "{}",
                                  .n_users = summary.n_users,
                                  .n_items = summary.n_items,
                                  .n_interactions = summary.n_interactions,
                                  .started_at_us = now_us()};
    if (evaluated.status != "evaluated" && f.status == "fitted") {  // fitted on all data, not on its training part
      f.status = evaluated.status;
      f.reason = evaluated.reason;
    }
    if (f.status == "fitted") {
      try {
        run.type_name = std::string(f.model->type_name());
        run.params = f.model->params_text();
        engine::ModelMeta meta{
            .domain = domain,
            .model = f.name,
            .n_users = summary.n_users,
            .n_items = summary.n_items,
            .n_interactions = summary.n_interactions,
            .metrics = metrics_json(run.metrics),
            .data_fingerprint = snap.fingerprint,
            .created_at_us = now_us(),
            .train_seconds = eval_fit_seconds[q] + f.fit_seconds,
            .held_back = gate(store_, domain, f.name, run.metrics, config_.training.max_metric_drop)};
        run.version = store_.save(*f.model, snap.users, snap.items, meta);
        if (meta.held_back.empty()) {
          store_.set_serving(domain, f.name, run.version);
          run.status = "succeeded";
        } else {
          run.status = "held_back";  // saved, listed by GET /models, not served; a rollback can serve it
          run.error = meta.held_back;
          log::warn("train.model_held_back", "domain", domain, "model", f.name, "version", run.version, "why",
                    meta.held_back);
        }
        record.metrics = meta.metrics.dump();
        record.model_version = run.version;
      } catch (const std::exception& e) {
        f.status = "failed";
        f.reason = e.what();
      }
    }
    if (f.status != "fitted") {
      run.status = f.status;  // failed | skipped
      run.error = f.reason;
      if (f.status == "failed") {
        ++failed;
        log::error("train.model_failed", "domain", domain, "model", f.name, "error", run.error);
      }
    }
    run.seconds = eval_fit_seconds[q] + f.fit_seconds + since(model_start);
    record.params = params_json(run.params).dump();
    record.status = run.status;
    record.error = run.error;
    record.duration_s = run.seconds;
    record.finished_at_us = now_us();
    warehouse_.record_training_run(record);
    log::info("train.model_done", "domain", domain, "model", f.name, "status", run.status, "version", run.version,
              fmt::format("ndcg@{}", run.metrics.k), fmt::format("{:.4f}", run.metrics.ndcg), "secs",
              fmt::format("{:.2f}", run.seconds));
    summary.models.push_back(std::move(run));
  }
  if (full_run) {
    summary.ensemble = row_of(kEnsemble).metrics;
    warehouse_.record_training_run({.run_id = new_run_id(domain, kEnsemble),
                                    .domain = domain,
                                    .model = kEnsemble,
                                    .params = nlohmann::json{{"method", domain_config.ensemble.method},
                                                             {"weights", domain_config.ensemble.weights}}
                                                  .dump(),
                                    .n_users = summary.n_users,
                                    .n_items = summary.n_items,
                                    .n_interactions = summary.n_interactions,
                                    .metrics = metrics_json(*summary.ensemble).dump(),
                                    .status = "succeeded",
                                    .started_at_us = now_us(),
                                    .finished_at_us = now_us()});
    log::info("train.ensemble", "domain", domain, fmt::format("ndcg@{}", summary.ensemble->k),
              fmt::format("{:.4f}", summary.ensemble->ndcg));
  }
  summary.status = failed == 0 ? "succeeded" : failed == names.size() ? "failed" : "partial";
  summary.seconds = since(start);
  log::info("train.done", "domain", domain, "status", summary.status, "secs", fmt::format("{:.2f}", summary.seconds));
  return summary;
}

Evaluation TrainingPipeline::evaluate(const std::string& domain, const EvaluationOptions& options,
                                      const Progress& progress) const {
  if (options.k < 1 || options.k > kMaxEvaluationK) {
    throw Error(Code::kInvalidArgument, fmt::format("must be between 1 and {}", kMaxEvaluationK), "k");
  }
  if (options.last < 1) throw Error(Code::kInvalidArgument, "must be >= 1", "last");
  const engine::DomainSettings settings = engine::domain_settings(config_, store_, domain);
  const config::DomainConfig& domain_config = settings.config;  // with the tuned values in force, as served
  const data::DomainSnapshot snap =
      data::snapshot_domain(warehouse_, domain, domain_config.ratings, config_.training.threads);
  if (snap.matrix.nnz() == 0) throw Error(Code::kFailedPrecondition, "domain has no interactions", "domain");
  Evaluation out{.domain = domain,
                 .options = options,
                 .n_users = static_cast<std::int64_t>(snap.users.size()),
                 .n_items = static_cast<std::int64_t>(snap.items.size()),
                 .n_interactions = snap.n_interactions};
  if (!options.test_file.empty()) {
    warehouse::CsvImportOptions mapping = options.mapping;
    mapping.fixed_domain = domain;
    mapping.domains = {{domain, domain_config.ratings}};
    mapping.type_weights = config_.interactions.types;
    out.held_out = file_held_out(warehouse_, snap, options.test_file, mapping, domain_config.ratings,
                                 options.min_rating);
  } else {
    out.held_out = split_held_out(snap, options.split, config_.training.test_fraction, options.last,
                                  config_.training.seed);
  }
  const auto names = domain_model_names(domain_config);
  const std::optional<ItemContent> content =
      item_content_for(names, warehouse_, domain, snap.items, domain_config.models.embedding, progress);
  auto fitted = fit_models(out.held_out.train, names,
                           {.models = domain_config.models,
                            .field_prefix = "domains." + domain + ".models",
                            .content = content ? &*content : nullptr,
                            .threads = config_.training.threads,
                            .progress = progress});
  const ServedEvaluation served(snap.items, out.held_out.train, std::move(fitted), domain_config);
  out.rows = served.evaluate(out.held_out.users,
                             {.k = options.k,
                              .threads = config_.training.threads,
                              .max_users = options.max_users,
                              .seed = config_.training.seed},
                             options.keep_lists ? &out.lists : nullptr);
  log::info("evaluate.done", "domain", domain, "split", options.test_file.empty() ? options.split : "file",
            "users", out.held_out.users.size());
  return out;
}

nlohmann::json evaluation_json(const Evaluation& e) {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& r : e.rows) {
    nlohmann::json j = {{"model", r.model}, {"type", r.type_name}, {"status", r.status}};
    if (r.status != "evaluated") {
      j["reason"] = r.reason;
    } else {
      const auto& m = r.metrics;
      j.update({{"users", m.users},
                {"precision", m.precision},
                {"recall", m.recall},
                {"ndcg", m.ndcg},
                {"map", m.map},
                {"hit_rate", m.hit_rate},
                {"mrr", m.mrr},
                {"coverage", m.coverage},
                {"seconds", m.seconds}});
    }
    models.push_back(std::move(j));
  }
  const auto& h = e.held_out;
  const bool file = !e.options.test_file.empty();
  return {{"domain", e.domain},
          {"k", e.options.k},
          {"split", file ? "file" : e.options.split},
          {"test", file ? nlohmann::json(e.options.test_file) : nlohmann::json()},
          {"data", {{"users", e.n_users}, {"items", e.n_items}, {"interactions", e.n_interactions}}},
          {"held_out",
           {{"rows", h.rows},
            {"relevant_rows", h.relevant_rows},
            {"users", h.users.size()},
            {"unknown_users", h.unknown_users},
            {"unknown_item_rows", h.unknown_item_rows},
            {"relevance", h.relevance}}},
          {"models", models}};
}

nlohmann::json TrainingPipeline::tune(const std::string& domain) const {
  return Tuner(warehouse_, store_, config_).run(domain, {.seed = config_.training.seed, .threads = config_.training.threads});
}

}  // namespace mxn::training

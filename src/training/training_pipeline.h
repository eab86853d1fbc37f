#pragma once
// TrainingPipeline: trains one domain end to end.
//   snapshot (warehouse -> id maps + matrix) -> per-user random holdout split -> fit every model on the
//   training part (model_fitter.h, the one fit path) -> evaluate what would be served (served_evaluation.h):
//   popularity, each model alone and the blend -> refit on all data -> save a new version of each model in
//   the model store -> training_history rows (params, sizes, metrics, durations, version, status; the
//   blend's metrics as model "ensemble").
// The embedding model gets its item vectors from the catalog first, computed once per run and cached in the
// catalog (item_vectors.h).
// A model that fails records status "failed" with its error and leaves its previous version in place; one
// that cannot learn from the data (model_fitter.h) records "skipped" with the reason and is not saved; the
// other models go on. The quality gate (training.max_metric_drop) saves a model whose held-out NDCG fell
// too far below the serving version's as "held_back": kept for a rollback, not served. A domain with fewer
// than training.min_samples interactions is skipped with the reason; only popularity is fitted and saved for
// it (no evaluation), so that it is served by popularity.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "engine/model_store.h"
#include "eval/evaluator.h"
#include "training/held_out.h"
#include "training/model_fitter.h"
#include "training/served_evaluation.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::training {

struct ModelRun {
  std::string model;      // popularity, knn, collab, ...
  std::string type_name;  // popularity, item_knn, als, bpr, ...
  std::string status;     // succeeded | held_back (saved, not served: the quality gate) | failed | skipped
  std::string error;      // failed: the error; skipped: why the model cannot learn from this data; held_back:
                          // the gate's reason
  std::string params;
  eval::Metrics metrics;  // on the held-out split
  int version = 0;        // the saved version (0 when failed)
  double fit_seconds = 0;
  double seconds = 0;     // fit + evaluate + refit + save
};

struct TrainingSummary {
  std::string domain;
  std::string status;  // succeeded | partial (some models failed) | failed | skipped
  std::string reason;  // why skipped
  std::int64_t n_users = 0;
  std::int64_t n_items = 0;
  std::int64_t n_interactions = 0;
  std::vector<ModelRun> models;  // popularity first
  std::optional<eval::Metrics> ensemble;  // the served blend on the held-out split (full runs only)
  double seconds = 0;
  std::int64_t started_at_us = 0;
};

using Progress = FitProgress;

/// What an offline evaluation holds out, and how it scores (mxn evaluate, POST /training/evaluate).
struct EvaluationOptions {
  std::string split = "random";         // random (training.test_fraction per user) | temporal | loo
  int last = 1;                         // temporal: each user's last `last` interactions are held out
  std::size_t k = 10;                   // cut-off of the metrics, 1..kMaxEvaluationK
  std::string test_file;                // when set: held-out rows from this file, and training on everything
  warehouse::CsvImportOptions mapping;  // test_file: its columns, read as `mxn import` reads them
  std::optional<double> min_rating;     // test_file: ratings of at least this are relevant
  std::size_t max_users = 0;            // score a sample of at most this many held-out users (0 = all)
  bool keep_lists = false;              // fill Evaluation::lists
};
inline constexpr std::size_t kMaxEvaluationK = 1000;

/// An offline evaluation of what a domain would serve: popularity, each enabled model alone and the blend.
struct Evaluation {
  std::string domain;
  EvaluationOptions options;
  std::int64_t n_users = 0;
  std::int64_t n_items = 0;
  std::int64_t n_interactions = 0;
  HeldOut held_out;
  std::vector<EvalRow> rows;
  std::vector<std::vector<eval::UserList>> lists;  // options.keep_lists: rows[i]'s users' top-k lists
};

/// The report as `mxn evaluate --json` prints it and POST /training/evaluate returns it.
nlohmann::json evaluation_json(const Evaluation& evaluation);

/// Held-out metrics as the model store, the training history and the API show them:
/// {"users", "precision@K", "recall@K", "ndcg@K", "map@K", "hit_rate@K", "mrr@K", "coverage"}.
nlohmann::json metrics_json(const eval::Metrics& metrics);

class TrainingPipeline {
 public:
  /// Everything referenced must outlive the pipeline. Loads every enabled minilm encoder once to check it:
  /// a missing or broken model folder is an Error naming the domain's model_path key and the missing file
  /// or bad tensor.
  TrainingPipeline(warehouse::Warehouse& warehouse, engine::ModelStore& store, const config::Config& config);

  /// Trains `domain` (Error{kNotFound} when unknown or disabled). `only`: train just these models (config
  /// names; empty = popularity + the domain's enabled models, and the blend is evaluated too).
  TrainingSummary run(const std::string& domain, const std::vector<std::string>& only = {},
                      const Progress& progress = {}) const;
  /// Evaluates `domain` on held-out data as it would be served (with its tuned values in force): fits on the
  /// training part through the one fit path, ranks with the engine's ranker; nothing is saved. Errors:
  /// kInvalidArgument naming "split", "last" or "k"; kFailedPrecondition ("domain") when it has no
  /// interactions.
  Evaluation evaluate(const std::string& domain, const EvaluationOptions& options,
                      const Progress& progress = {}) const;
  /// `mxn tune` for `domain` with the default budget, training.seed and training.threads (tuner.h); returns
  /// the saved record.
  nlohmann::json tune(const std::string& domain) const;

 private:
  warehouse::Warehouse& warehouse_;
  engine::ModelStore& store_;
  const config::Config& config_;
};

}  // namespace mxn::training

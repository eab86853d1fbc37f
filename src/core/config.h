#pragma once
// The typed configuration tree. Defaults here equal config/config.yaml (a test checks it). Loading is
// layered: defaults, then the YAML file, then MXN_<SECTION>_<KEY> environment overrides, then validate(),
// which reports every problem at once with the key's path.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/model_params.h"
#include "core/rating_scale.h"

namespace mxn::config {

struct WarehouseConfig {
  std::string path = "data/warehouse.duckdb";
  // DuckDB threads. One by default: DuckDB 1.4's checkpoint spin-waits for its worker threads, which a
  // busy server starves (the spin was 6.6 % of a loaded server's CPU samples); training reads gain nothing
  // measurable from a second thread (docs/benchmarks.md).
  int threads = 1;
  std::string memory_limit = "4GB";       // DuckDB memory_limit
  int max_batch_rows = 100000;            // group commit: most rows in one transaction
  int served_retention_days = 30;         // served lists older than this are deleted (0 = kept forever)
  bool operator==(const WarehouseConfig&) const = default;
};

struct ModelStoreConfig {
  std::string store_dir = "models";
  int versions_kept = 3;
  bool operator==(const ModelStoreConfig&) const = default;
};

struct ApiConfig {
  std::string host = "127.0.0.1";
  int port = 8000;
  int io_threads = 0;                // event loops: socket I/O and the handlers that compute; 0 = one per core (>= 2)
  int threads = 64;                  // handlers that wait (a commit, a training) each hold one of these
  int max_connections = 10000;       // open connections beyond this are closed at once
  int idle_timeout_seconds = 5;      // to start a request and send its header
  int request_timeout_seconds = 30;  // to send a body, and to take a response
  std::int64_t max_body_bytes = 10 * 1024 * 1024;
  std::vector<std::string> keys;  // API keys; empty = no authentication (MXN_API_KEYS=a,b)
  bool operator==(const ApiConfig&) const = default;
};

struct TrainingConfig {
  int min_samples = 100;             // fewer interactions in a domain: not trained, served by popularity
  int min_new_interactions = 50;     // the scheduler retrains a domain only with this many new ones
  double retrain_interval_hours = 6.0;
  double tune_every_hours = 0.0;     // the scheduler retunes (mxn tune) every enabled domain this often; 0 = never
  double test_fraction = 0.2;        // per-user random holdout for evaluation
  int eval_k = 10;
  int eval_max_users = 5000;         // evaluate on a sample of at most this many users (0 = all)
  /// The quality gate: a retrained model whose held-out NDCG@eval_k is more than this fraction below the
  /// serving version's is saved but not served (1 = every model is served).
  double max_metric_drop = 0.10;
  int threads = 0;                   // 0 = all cores
  std::uint64_t seed = 42;
  bool operator==(const TrainingConfig&) const = default;
};

struct InteractionsConfig {
  /// Implicit-feedback weight per interaction type; only these types are accepted.
  std::map<std::string, double> types = {
      {"view", 1.0},  {"click", 1.5},  {"play", 1.0},     {"like", 4.0},   {"rating", 0.0},
      {"complete", 3.0}, {"skip", -1.0}, {"dislike", -4.0}, {"open", 1.0}, {"share", 3.0},
  };
  std::int64_t max_metadata_bytes = 64 * 1024;
  bool operator==(const InteractionsConfig&) const = default;
};

struct EnsembleConfig {
  std::string method = "weighted";  // weighted | rrf
  std::map<std::string, double> weights = {
      {"knn", 0.25}, {"collab", 0.25}, {"ease", 1.0}, {"rp3beta", 0.25}, {"embedding", 0.05}};
  double rrf_k = 60.0;
  bool operator==(const EnsembleConfig&) const = default;
};

struct ModelsConfig {
  std::vector<std::string> enabled = {"knn", "collab", "ease", "rp3beta", "embedding"};
  std::string weighting = "raw";  // how an entry's total weight enters the models: raw | log1p | bm25
  PopularityParams popularity;
  ItemKnnParams knn;
  CollabParams collab;
  EaseParams ease;
  Rp3betaParams rp3beta;
  EmbeddingParams embedding;
  bool operator==(const ModelsConfig&) const = default;
};

struct DomainConfig {
  bool enabled = true;
  double repeat_cooldown_days = -1.0;  // < 0: consumed items are never recommended again
  RatingScale ratings;
  ModelsConfig models;
  EnsembleConfig ensemble;
  bool operator==(const DomainConfig&) const = default;
};

struct DailyPlaylistConfig {
  int top_k = 20;
  int max_per_artist = 2;
  int exclude_played_days = 7;
  bool operator==(const DailyPlaylistConfig&) const = default;
};

struct WeeklyMoviesConfig {
  int top_k = 10;
  double mmr_lambda = 0.7;  // 1 = pure relevance, 0 = pure genre diversity
  bool operator==(const WeeklyMoviesConfig&) const = default;
};

struct TaskPrioritizationConfig {
  int top_k = 20;
  double urgency_weight = 0.4;
  double priority_weight = 0.3;
  double effort_weight = 0.1;
  double preference_weight = 0.2;
  bool operator==(const TaskPrioritizationConfig&) const = default;
};

struct AutomationConfig {
  DailyPlaylistConfig daily_playlist;
  WeeklyMoviesConfig weekly_movies;
  TaskPrioritizationConfig task_prioritization;
  bool operator==(const AutomationConfig&) const = default;
};

DomainConfig default_domain(const std::string& name);

struct Config {
  WarehouseConfig warehouse;
  ModelStoreConfig models;
  ApiConfig api;
  TrainingConfig training;
  InteractionsConfig interactions;
  std::map<std::string, DomainConfig> domains = {
      {"movies", default_domain("movies")},
      {"music", default_domain("music")},
      {"tasks", default_domain("tasks")},
      {"notes", default_domain("notes")},
  };
  AutomationConfig automation;
  std::string log_level = "info";

  /// The key paths the file or the environment gave a value ("domains.movies.models.ease.lambda"; a map of
  /// names, such as ensemble.weights, is one value): they pin those keys against tuned values.
  std::set<std::string> set_keys;

  /// Every problem at once, each with its key path; empty when valid.
  std::vector<FieldError> validate() const;
  /// True when `path`, or a map that holds it, is in set_keys.
  bool is_set(const std::string& path) const;
  /// The enabled domain called `name`, or Error{kNotFound, field "domain"}.
  const DomainConfig& domain(const std::string& name) const;
  bool operator==(const Config&) const = default;
};

/// Sets the tuned `values` (a flat JSON object: key paths relative to the domain, "models.ease.lambda", to
/// values) in
/// `domain` (the config of domain `name`), except those `config` pins (Config::is_set): explicit
/// configuration wins over tuning. Returns the keys applied. Values that are not valid there are an Error
/// listing every problem, and `domain` is left as it was.
std::vector<std::string> apply_tuned(const Config& config, const std::string& name, DomainConfig& domain,
                                     const nlohmann::json& values);

/// A domain's settings as JSON, keyed as in the file.
nlohmann::json to_json(const DomainConfig& domain);
/// The value at a key path relative to the domain ("models.ease.lambda"); null when there is none.
nlohmann::json value_at(const DomainConfig& domain, const std::string& key);

/// Defaults, then the YAML file at `path` (empty: none), then the environment; throws Error listing every
/// problem (unknown keys, wrong types, failed validation). Relative paths the file gives (warehouse.path,
/// models.store_dir, an embedding model_path) are relative to the file's folder; those of the defaults and
/// the environment to the working directory.
Config load(const std::string& path);
/// The same with `env` ("NAME=value" entries) as the environment (the Python module passes its overrides so).
Config load(const std::string& path, const std::vector<std::string>& env);
/// The same from YAML text (for tests), with `env` as the environment ("NAME=value" entries).
Config load_from_string(const std::string& yaml, const std::vector<std::string>& env);

}  // namespace mxn::config

#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <type_traits>

#include "core/log.h"
#include "core/utf8.h"

extern char** environ;

namespace mxn::config {

// ---- The shape of the tree: fields(struct, f) calls f(key, member) for every member. ----
// One description serves the YAML reader and the environment overrides.

namespace {

template <class F> void fields(WarehouseConfig& c, F&& f) {
  f("path", c.path), f("threads", c.threads), f("memory_limit", c.memory_limit),
      f("max_batch_rows", c.max_batch_rows), f("served_retention_days", c.served_retention_days);
}
template <class F> void fields(ModelStoreConfig& c, F&& f) {
  f("store_dir", c.store_dir), f("versions_kept", c.versions_kept);
}
template <class F> void fields(ApiConfig& c, F&& f) {
  f("host", c.host), f("port", c.port), f("io_threads", c.io_threads), f("threads", c.threads), f("max_connections", c.max_connections),
      f("idle_timeout_seconds", c.idle_timeout_seconds),
      f("request_timeout_seconds", c.request_timeout_seconds), f("max_body_bytes", c.max_body_bytes),
      f("keys", c.keys);
}
template <class F> void fields(TrainingConfig& c, F&& f) {
  f("min_samples", c.min_samples), f("min_new_interactions", c.min_new_interactions),
      f("retrain_interval_hours", c.retrain_interval_hours), f("tune_every_hours", c.tune_every_hours),
      f("test_fraction", c.test_fraction), f("eval_k", c.eval_k), f("eval_max_users", c.eval_max_users),
      f("max_metric_drop", c.max_metric_drop), f("threads", c.threads), f("seed", c.seed);
}
template <class F> void fields(InteractionsConfig& c, F&& f) {
  f("types", c.types), f("max_metadata_bytes", c.max_metadata_bytes);
}
template <class F> void fields(RatingScale& c, F&& f) { f("min", c.min), f("max", c.max), f("neutral", c.neutral); }
template <class F> void fields(PopularityParams& c, F&& f) { f("half_life_days", c.half_life_days); }
template <class F> void fields(ItemKnnParams& c, F&& f) {
  f("similarity", c.similarity), f("neighbors", c.neighbors), f("shrinkage", c.shrinkage), f("bm25_k1", c.bm25_k1),
      f("bm25_b", c.bm25_b);
}
template <class F> void fields(AlsParams& c, F&& f) {
  f("factors", c.factors), f("regularization", c.regularization), f("alpha", c.alpha),
      f("iterations", c.iterations), f("cg_steps", c.cg_steps), f("feedback", c.feedback), f("seed", c.seed);
}
template <class F> void fields(BprParams& c, F&& f) {
  f("factors", c.factors), f("learning_rate", c.learning_rate), f("regularization", c.regularization),
      f("epochs", c.epochs), f("fold_in_steps", c.fold_in_steps), f("seed", c.seed);
}
template <class F> void fields(CollabParams& c, F&& f) { f("algorithm", c.algorithm), f("als", c.als), f("bpr", c.bpr); }
template <class F> void fields(EmbeddingParams& c, F&& f) {
  f("encoder", c.encoder), f("dim", c.dim), f("model_path", c.model_path), f("query_weight", c.query_weight),
      f("hnsw_threshold", c.hnsw_threshold), f("hnsw_m", c.hnsw_m), f("hnsw_ef_construction", c.hnsw_ef_construction),
      f("hnsw_ef_search", c.hnsw_ef_search), f("history", c.history), f("neighbors", c.neighbors);
}
template <class F> void fields(EaseParams& c, F&& f) { f("lambda", c.lambda), f("max_items", c.max_items); }
template <class F> void fields(Rp3betaParams& c, F&& f) {
  f("alpha", c.alpha), f("beta", c.beta), f("neighbors", c.neighbors);
}
template <class F> void fields(ModelsConfig& c, F&& f) {
  f("enabled", c.enabled), f("weighting", c.weighting), f("popularity", c.popularity), f("knn", c.knn),
      f("collab", c.collab), f("ease", c.ease), f("rp3beta", c.rp3beta), f("embedding", c.embedding);
}
template <class F> void fields(EnsembleConfig& c, F&& f) {
  f("method", c.method), f("weights", c.weights), f("rrf_k", c.rrf_k);
}
template <class F> void fields(DomainConfig& c, F&& f) {
  f("enabled", c.enabled), f("repeat_cooldown_days", c.repeat_cooldown_days), f("ratings", c.ratings),
      f("models", c.models),
      f("ensemble", c.ensemble);
}
template <class F> void fields(DailyPlaylistConfig& c, F&& f) {
  f("top_k", c.top_k), f("max_per_artist", c.max_per_artist), f("exclude_played_days", c.exclude_played_days);
}
template <class F> void fields(WeeklyMoviesConfig& c, F&& f) { f("top_k", c.top_k), f("mmr_lambda", c.mmr_lambda); }
template <class F> void fields(TaskPrioritizationConfig& c, F&& f) {
  f("top_k", c.top_k), f("urgency_weight", c.urgency_weight), f("priority_weight", c.priority_weight),
      f("effort_weight", c.effort_weight), f("preference_weight", c.preference_weight);
}
template <class F> void fields(AutomationConfig& c, F&& f) {
  f("daily_playlist", c.daily_playlist), f("weekly_movies", c.weekly_movies),
      f("task_prioritization", c.task_prioritization);
}
template <class F> void fields(Config& c, F&& f) {
  f("warehouse", c.warehouse), f("models", c.models), f("api", c.api), f("training", c.training),
      f("interactions", c.interactions), f("domains", c.domains), f("automation", c.automation),
      f("log_level", c.log_level);
}

template <class T>
concept Section = requires(T& t) { fields(t, [](const char*, auto&) {}); };
template <class T> struct is_map : std::false_type {};
template <class V> struct is_map<std::map<std::string, V>> : std::true_type {};

std::string join_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

// ---- Reading a YAML node into a member; problems go to `errors` with the key's path. ----

// `keys`, when given, collects the path of every value read (a whole map of names counts as one value; the
// domains map does not: its domains' own keys do).
template <class T>
void read(const YAML::Node& node, T& out, const std::string& path, std::vector<FieldError>& errors,
          std::set<std::string>* keys = nullptr);

template <class T>
void read_scalar(const YAML::Node& node, T& out, const std::string& path, std::vector<FieldError>& errors) {
  if (!node.IsScalar()) {
    errors.push_back({path, "must be a single value"});
    return;
  }
  try {
    out = node.as<T>();
  } catch (const YAML::Exception&) {
    const char* kind = std::is_same_v<T, bool> ? "true or false"
                       : std::is_integral_v<T> ? "a whole number"
                       : std::is_floating_point_v<T> ? "a number"
                                                     : "text";
    errors.push_back({path, std::string("must be ") + kind + ", got '" + node.Scalar() + "'"});
  }
}

/// "; did you mean X?" with X the closest of `known` to `name` by edit distance, when one is close; else "".
std::string did_you_mean(const std::string& name, const std::set<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& candidate : known) {
    std::vector<std::size_t> row(candidate.size() + 1);  // Levenshtein distance, one row at a time
    for (std::size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= name.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (name[i - 1] == candidate[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    if (row.back() < best_distance) {
      best_distance = row.back();
      best = candidate;
    }
  }
  // Close: at most a third of the name differs (a typo, a missing or extra word), not any other key.
  if (best.empty() || best_distance * 3 > std::max(name.size(), best.size())) return "";
  return "; did you mean " + best + "?";
}

template <class T>
void read(const YAML::Node& node, T& out, const std::string& path, std::vector<FieldError>& errors,
          std::set<std::string>* keys) {
  constexpr bool kDomains = std::is_same_v<T, std::map<std::string, DomainConfig>>;
  if constexpr (!Section<T> && !kDomains) {
    if (keys) keys->insert(path);
  }
  if constexpr (Section<T>) {
    if (!node.IsMap()) {
      errors.push_back({path, "must be a mapping of keys"});
      return;
    }
    std::set<std::string> known;
    fields(out, [&](const char* key, auto& member) {
      known.insert(key);
      if (const auto child = node[key]; child) read(child, member, join_path(path, key), errors, keys);
    });
    for (const auto& kv : node) {
      const auto key = kv.first.as<std::string>();
      if (!known.count(key))
        errors.push_back({join_path(path, key), "unknown key" + did_you_mean(key, known)});
    }
  } else if constexpr (is_map<T>::value) {
    if (!node.IsMap()) {
      errors.push_back({path, "must be a mapping of names"});
      return;
    }
    T result;
    for (const auto& kv : node) {
      const auto key = kv.first.as<std::string>();
      typename T::mapped_type value{};
      if constexpr (std::is_same_v<typename T::mapped_type, DomainConfig>) {
        // A domain in the file starts from what is already known of it (or the defaults for a new one).
        value = out.count(key) ? out.at(key) : default_domain(key);
      }
      read(kv.second, value, join_path(path, key), errors, kDomains ? keys : nullptr);
      result.emplace(key, std::move(value));
    }
    out = std::move(result);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    std::vector<std::string> result;
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) {
        std::string item;
        read_scalar(node[i], item, path + "[" + std::to_string(i) + "]", errors);
        result.push_back(item);
      }
    } else if (node.IsScalar()) {  // environment form: comma-separated
      std::stringstream ss(node.Scalar());
      for (std::string item; std::getline(ss, item, ',');) {
        if (!item.empty()) result.push_back(item);
      }
    } else if (!node.IsNull()) {
      errors.push_back({path, "must be a list"});
    }
    out = std::move(result);
  } else {
    read_scalar(node, out, path, errors);
  }
}

// ---- Environment overrides: MXN_<PATH>, the key path upper-cased with '.' -> '_'. ----

std::string env_name(const std::string& path) {
  std::string name = "MXN_";
  for (char c : path) name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

struct EnvOverrides {
  std::map<std::string, std::string> vars;  // MXN_* only
  std::set<std::string> names;  // every name that sets a key
  std::vector<FieldError>& errors;
  std::set<std::string>& keys;

  template <class T> void apply(T& member, const std::string& path) {
    if constexpr (Section<T>) {
      fields(member, [&](const char* key, auto& child) { apply(child, join_path(path, key)); });
    } else if constexpr (is_map<T>::value) {
      for (auto& [key, value] : member) apply(value, join_path(path, key));
    } else {
      const auto it = vars.find(*names.insert(env_name(path)).first);
      if (it == vars.end()) return;
      YAML::Node node;
      try {
        node = YAML::Load(it->second);
      } catch (const YAML::Exception&) {
        node = YAML::Node(it->second);
      }
      if (node.IsNull()) node = YAML::Node(it->second);
      keys.insert(path);
      read(node, member, path + " (" + it->first + ")", errors);
    }
  }
};

void apply_env(Config& config, const std::vector<std::string>& env, std::vector<FieldError>& errors) {
  EnvOverrides overrides{{}, {}, errors, config.set_keys};
  for (const auto& entry : env) {
    auto eq = entry.find('=');
    if (eq == std::string::npos || entry.rfind("MXN_", 0) != 0) continue;
    overrides.vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  overrides.apply(config, "");
  // A mistyped name (MXN_MODELS_DIR for MXN_MODELS_STORE_DIR) would otherwise change nothing without a word:
  // it stops start-up. MXN_API_KEY and MXN_BENCH_* (read by bench/) are other programs'.
  for (const auto& [name, value] : overrides.vars) {
    if (overrides.names.contains(name) || name == "MXN_API_KEY" || name.rfind("MXN_BENCH_", 0) == 0) continue;
    const std::string hint = did_you_mean(name, overrides.names);
    errors.push_back({name, hint.empty() ? "no such key (a key's path upper-cased, '.' as '_', after MXN_)"
                                         : "no such key" + hint});
  }
}

std::vector<std::string> process_env() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

/// The relative paths a file gives are relative to its folder `base`, wherever mxn runs from.
void resolve_file_paths(Config& config, const std::filesystem::path& base) {
  auto resolve = [&](std::string& path, const std::string& key) {
    if (path.empty() || path == ":memory:" || std::filesystem::path(path).is_absolute() ||
        !config.set_keys.contains(key)) {
      return;
    }
    path = (base / path).lexically_normal().string();
  };
  resolve(config.warehouse.path, "warehouse.path");
  resolve(config.models.store_dir, "models.store_dir");
  for (auto& [name, d] : config.domains) {
    resolve(d.models.embedding.model_path, "domains." + name + ".models.embedding.model_path");
  }
}

/// `base`: the folder of the file `yaml` came from (empty: it came from no file).
Config parse(const std::string& yaml, const std::string& source, const std::vector<std::string>& env,
             const std::filesystem::path& base = {}) {
  Config config;
  std::vector<FieldError> errors;
  try {
    YAML::Node root = YAML::Load(yaml);
    if (!root.IsNull()) read(root, config, "", errors, &config.set_keys);
  } catch (const YAML::Exception& e) {
    throw Error(Code::kInvalidArgument, source + ": " + e.what(), "config");
  }
  if (!base.empty()) resolve_file_paths(config, base);  // before the environment, whose paths are the shell's
  apply_env(config, env, errors);
  if (errors.empty()) errors = config.validate();
  if (!errors.empty()) throw Error(std::move(errors));
  return config;
}

// ---- Validation helpers ----

struct Checker {
  std::vector<FieldError>& out;
  void require(bool ok, const std::string& field, const std::string& message) {
    if (!ok) out.push_back({field, message});
  }
  void positive(double v, const std::string& field) { require(v > 0 && std::isfinite(v), field, "must be > 0"); }
  void non_negative(double v, const std::string& field) { require(v >= 0 && std::isfinite(v), field, "must be >= 0"); }
  void one_of(const std::string& v, std::initializer_list<const char*> allowed, const std::string& field) {
    std::string list;
    for (const char* a : allowed) {
      if (v == a) return;
      list += list.empty() ? a : std::string(", ") + a;
    }
    out.push_back({field, "must be one of " + list + ", got '" + v + "'"});
  }
};

}  // namespace

DomainConfig default_domain(const std::string& name) {
  DomainConfig d;
  if (name == "music") {
    d.repeat_cooldown_days = 3.0;  // songs may come back after a few days
  } else if (name == "notes") {
    d.repeat_cooldown_days = 7.0;  // notes are worth reopening after a week
  }
  return d;
}

std::vector<FieldError> Config::validate() const {
  std::vector<FieldError> out;
  Checker c{out};
  c.require(!warehouse.path.empty(), "warehouse.path", "must not be empty");
  c.positive(warehouse.threads, "warehouse.threads");
  static const std::regex kMemory(R"(^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$)");
  c.require(std::regex_match(warehouse.memory_limit, kMemory), "warehouse.memory_limit",
            "must be a size such as 4GB or 512MiB, got '" + warehouse.memory_limit + "'");
  c.positive(warehouse.max_batch_rows, "warehouse.max_batch_rows");
  c.non_negative(warehouse.served_retention_days, "warehouse.served_retention_days");

  c.require(!models.store_dir.empty(), "models.store_dir", "must not be empty");
  c.require(models.versions_kept >= 1, "models.versions_kept", "must be >= 1");

  c.require(!api.host.empty(), "api.host", "must not be empty");
  c.require(api.port >= 0 && api.port <= 65535, "api.port", "must be between 0 and 65535 (0 = any free port)");
  c.positive(api.threads, "api.threads");
  c.non_negative(api.io_threads, "api.io_threads");
  c.positive(api.max_connections, "api.max_connections");
  c.positive(api.idle_timeout_seconds, "api.idle_timeout_seconds");
  c.positive(api.request_timeout_seconds, "api.request_timeout_seconds");
  c.positive(static_cast<double>(api.max_body_bytes), "api.max_body_bytes");
  for (std::size_t i = 0; i < api.keys.size(); ++i) {
    c.require(api.keys[i].size() >= 16, "api.keys[" + std::to_string(i) + "]",
              "must be at least 16 characters (openssl rand -hex 16 makes one)");
  }

  c.non_negative(training.min_samples, "training.min_samples");
  c.non_negative(training.min_new_interactions, "training.min_new_interactions");
  c.positive(training.retrain_interval_hours, "training.retrain_interval_hours");
  c.non_negative(training.tune_every_hours, "training.tune_every_hours");
  c.require(training.test_fraction > 0 && training.test_fraction < 1, "training.test_fraction",
            "must be between 0 and 1 (exclusive)");
  c.positive(training.eval_k, "training.eval_k");
  c.non_negative(training.eval_max_users, "training.eval_max_users");
  c.require(training.max_metric_drop >= 0 && training.max_metric_drop <= 1, "training.max_metric_drop",
            "must be between 0 and 1 (1 turns the quality gate off)");
  c.non_negative(training.threads, "training.threads");

  c.require(!interactions.types.empty(), "interactions.types", "must list at least one type");
  for (const auto& [type, weight] : interactions.types) {
    c.require(!type.empty(), "interactions.types", "type names must not be empty");
    c.require(std::isfinite(weight), "interactions.types." + type, "must be a finite number");
  }
  c.positive(static_cast<double>(interactions.max_metadata_bytes), "interactions.max_metadata_bytes");

  bool any_enabled = false;
  static const std::regex kName("^[a-z0-9_]{1,64}$");
  for (const auto& [name, d] : domains) {
    const std::string p = "domains." + name;
    c.require(std::regex_match(name, kName), p, "domain names use a-z, 0-9 and _ (at most 64)");
    any_enabled = any_enabled || d.enabled;
    c.require(std::isfinite(d.repeat_cooldown_days), p + ".repeat_cooldown_days", "must be a number");
    d.ratings.validate(p + ".ratings", out);
    for (std::size_t i = 0; i < d.models.enabled.size(); ++i) {
      const std::string& m = d.models.enabled[i];
      c.require(is_model_name(m) && m != "popularity", p + ".models.enabled[" + std::to_string(i) + "]",
                "must be one of " + model_names_text() + " but popularity (always trained), got '" + m + "'");
    }
    c.one_of(d.models.weighting, {"raw", "log1p", "bm25"}, p + ".models.weighting");
    d.models.popularity.validate(p + ".models.popularity", out);
    d.models.knn.validate(p + ".models.knn", out);
    d.models.collab.validate(p + ".models.collab", out);
    d.models.ease.validate(p + ".models.ease", out);
    d.models.rp3beta.validate(p + ".models.rp3beta", out);
    d.models.embedding.validate(p + ".models.embedding", out);
    c.one_of(d.ensemble.method, {"weighted", "rrf"}, p + ".ensemble.method");
    for (const auto& [model, weight] : d.ensemble.weights) {
      c.require(is_model_name(model), p + ".ensemble.weights." + model,
                "unknown model (known: " + model_names_text() + ")");
      c.non_negative(weight, p + ".ensemble.weights." + model);
    }
    c.positive(d.ensemble.rrf_k, p + ".ensemble.rrf_k");
  }
  c.require(any_enabled, "domains", "at least one domain must be enabled");

  c.positive(automation.daily_playlist.top_k, "automation.daily_playlist.top_k");
  c.positive(automation.daily_playlist.max_per_artist, "automation.daily_playlist.max_per_artist");
  c.non_negative(automation.daily_playlist.exclude_played_days, "automation.daily_playlist.exclude_played_days");
  c.positive(automation.weekly_movies.top_k, "automation.weekly_movies.top_k");
  c.require(automation.weekly_movies.mmr_lambda >= 0 && automation.weekly_movies.mmr_lambda <= 1,
            "automation.weekly_movies.mmr_lambda", "must be between 0 and 1");
  const auto& t = automation.task_prioritization;
  c.positive(t.top_k, "automation.task_prioritization.top_k");
  c.non_negative(t.urgency_weight, "automation.task_prioritization.urgency_weight");
  c.non_negative(t.priority_weight, "automation.task_prioritization.priority_weight");
  c.non_negative(t.effort_weight, "automation.task_prioritization.effort_weight");
  c.non_negative(t.preference_weight, "automation.task_prioritization.preference_weight");
  c.one_of(log_level, {"trace", "debug", "info", "warn", "error", "off"}, "log_level");
  return out;
}

const DomainConfig& Config::domain(const std::string& name) const {
  auto it = domains.find(name);
  if (it == domains.end()) throw Error(Code::kNotFound, "unknown domain " + quote(name), "domain");
  if (!it->second.enabled) throw Error(Code::kNotFound, "domain " + quote(name) + " is disabled", "domain");
  return it->second;
}

namespace {

template <class T> nlohmann::json as_json(const T& value) {
  if constexpr (Section<T>) {
    nlohmann::json out = nlohmann::json::object();
    fields(const_cast<T&>(value), [&](const char* key, auto& member) { out[key] = as_json(member); });
    return out;
  } else if constexpr (is_map<T>::value) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, v] : value) out[key] = as_json(v);
    return out;
  } else {
    return nlohmann::json(value);
  }
}

}  // namespace

nlohmann::json to_json(const DomainConfig& domain) { return as_json(domain); }

nlohmann::json value_at(const DomainConfig& domain, const std::string& key) {
  nlohmann::json node = to_json(domain);
  std::stringstream ss(key);
  for (std::string part; std::getline(ss, part, '.');) {
    if (!node.is_object() || !node.contains(part)) return nullptr;
    node = node[part];
  }
  return node;
}

bool Config::is_set(const std::string& path) const {
  for (std::string p = path;; p.resize(p.rfind('.'))) {
    if (set_keys.count(p)) return true;
    if (p.find('.') == std::string::npos) return false;
  }
}

std::vector<std::string> apply_tuned(const Config& config, const std::string& name, DomainConfig& domain,
                                     const nlohmann::json& values) {
  const std::string prefix = "domains." + name;
  nlohmann::json nested = nlohmann::json::object();
  std::vector<std::string> applied;
  for (const auto& [key, value] : values.items()) {
    if (config.is_set(prefix + "." + key)) continue;
    nlohmann::json* at = &nested;
    std::stringstream ss(key);
    for (std::string part; std::getline(ss, part, '.');) at = &(*at)[part];
    *at = value;
    applied.push_back(key);
  }
  std::vector<FieldError> errors;
  DomainConfig tuned = domain;
  read(YAML::Load(nested.dump()), tuned, prefix, errors);  // JSON is YAML
  if (errors.empty()) {
    Config check;
    check.domains = {{name, tuned}};
    for (auto& e : check.validate()) {
      if (e.field.rfind(prefix, 0) == 0) errors.push_back(std::move(e));
    }
  }
  if (!errors.empty()) throw Error(std::move(errors));
  domain = std::move(tuned);
  return applied;
}

Config load(const std::string& path) { return load(path, process_env()); }

Config load(const std::string& path, const std::vector<std::string>& env) {
  std::string text;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) throw Error(Code::kNotFound, "cannot read config file '" + path + "'", "config");
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  if (path.empty()) return parse(text, "defaults", env);
  return parse(text, path, env, std::filesystem::absolute(path).parent_path());
}

Config load_from_string(const std::string& yaml, const std::vector<std::string>& env) {
  return parse(yaml, "config", env);
}

}  // namespace mxn::config

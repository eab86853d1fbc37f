#include "training/tuner.h"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "data/rng.h"
#include "data/snapshot.h"
#include "data/split.h"
#include "engine/domain_settings.h"
#include "training/served_evaluation.h"
#include "warehouse/warehouse.h"

namespace mxn::training {

namespace {

using Clock = std::chrono::steady_clock;
using Kind = SearchParam::Kind;

/// A tuned value, or a model joining the blend, must beat what it replaces by this many standard errors of
/// the paired per-user difference on validation: the best of many tries is partly luck.
constexpr double kSignificance = 2.0;
/// The weights a model may join the blend with, next to the best model's 1.
constexpr std::array<double, 7> kBlendWeights = {0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0};

struct MetricSpec {
  std::string name;
  std::size_t k = 10;
};

MetricSpec parse_metric(const std::string& text) {
  const auto at = text.find('@');
  MetricSpec m{.name = text.substr(0, at)};
  const std::vector<std::string> known = {"ndcg", "precision", "recall", "map", "hit_rate", "mrr"};
  bool ok = std::find(known.begin(), known.end(), m.name) != known.end();
  if (ok && at != std::string::npos) {
    const std::string k = text.substr(at + 1);
    ok = !k.empty() && k.size() < 5 && std::all_of(k.begin(), k.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (ok) m.k = std::stoul(k);
    ok = ok && m.k >= 1;
  }
  if (!ok) {
    throw Error(Code::kInvalidArgument,
                "must be ndcg, precision, recall, map, hit_rate or mrr, optionally @k (got '" + text + "')", "metric");
  }
  return m;
}

double pick(const eval::Metrics& m, const std::string& name) {
  if (name == "ndcg") return m.ndcg;
  if (name == "precision") return m.precision;
  if (name == "recall") return m.recall;
  if (name == "map") return m.map;
  if (name == "hit_rate") return m.hit_rate;
  return m.mrr;
}

/// Three significant digits, whole numbers as integers (the config's integer keys read them).
nlohmann::json tidy(double v) {
  if (v != 0 && std::isfinite(v)) {
    const double scale = std::pow(10.0, 2 - std::floor(std::log10(std::fabs(v))));
    v = std::round(v * scale) / scale;
  }
  if (v == std::round(v) && std::fabs(v) < 1e15) return static_cast<std::int64_t>(v);
  return v;
}

nlohmann::json draw(const SearchParam& p, data::Rng& rng) {
  const double u = rng.uniform();
  switch (p.kind) {
    case Kind::kLogUniform:
      return tidy(std::exp(std::log(p.lo) + u * (std::log(p.hi) - std::log(p.lo))));
    case Kind::kUniform:
      return tidy(p.lo + u * (p.hi - p.lo));
    case Kind::kLogInt:
      return static_cast<std::int64_t>(std::lround(std::exp(std::log(p.lo) + u * (std::log(p.hi) - std::log(p.lo)))));
    case Kind::kChoice:
      return tidy(p.choices[rng.below(static_cast<std::uint32_t>(p.choices.size()))]);
  }
  return nullptr;
}

/// A trial's score: the mean of the metric over the validation users, and each user's value.
struct Score {
  double mean = 0;
  std::vector<double> per_user;
};

Score score_of(const std::vector<eval::RankingMetrics>& per_user, const std::string& name) {
  Score s;
  for (const auto& r : per_user) {
    eval::Metrics m;
    m.ndcg = r.ndcg, m.precision = r.precision, m.recall = r.recall, m.map = r.average_precision, m.hit_rate = r.hit,
    m.mrr = r.reciprocal_rank;
    s.per_user.push_back(pick(m, name));
    s.mean += s.per_user.back();
  }
  if (!per_user.empty()) s.mean /= static_cast<double>(per_user.size());
  return s;
}

/// How many standard errors `a` beats `b` by, paired over the same users (0 when they do not differ).
double paired_z(const Score& a, const Score& b) {
  const std::size_t n = a.per_user.size();
  if (n < 2 || b.per_user.size() != n) return 0;
  double mean = 0, sq = 0;
  for (std::size_t i = 0; i < n; ++i) mean += a.per_user[i] - b.per_user[i];
  mean /= static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) sq += std::pow(a.per_user[i] - b.per_user[i] - mean, 2);
  const double se = std::sqrt(sq / static_cast<double>(n - 1) / static_cast<double>(n));
  return se > 0 ? mean / se : 0;
}

std::string created_by() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const char* user = std::getenv("USER");
  return std::string(user ? user : "unknown") + "@" + host;
}

}  // namespace

std::vector<SearchParam> search_space(const std::string& model, const config::DomainConfig& domain) {
  if (model == "popularity") return {{"models.popularity.half_life_days", Kind::kChoice, 0, 0, {0, 7, 30, 90, 365}}};
  if (model == "knn") {
    return {{"models.knn.neighbors", Kind::kLogInt, 20, 1000},      // kept per item
            {"models.knn.shrinkage", Kind::kLogUniform, 1, 1000}};  // co-occurrence shrinkage
  }
  if (model == "collab" && domain.models.collab.algorithm == "bpr") {
    return {{"models.collab.bpr.learning_rate", Kind::kLogUniform, 1e-4, 0.1},
            {"models.collab.bpr.regularization", Kind::kLogUniform, 1e-4, 0.1},
            {"models.collab.bpr.epochs", Kind::kChoice, 0, 0, {30, 100, 300}}};
  }
  if (model == "collab") {
    return {{"models.collab.als.factors", Kind::kChoice, 0, 0, {32, 64, 128, 256}},
            {"models.collab.als.regularization", Kind::kLogUniform, 0.1, 1000},  // from barely to heavily
            {"models.collab.als.alpha", Kind::kLogUniform, 1, 100}};             // confidence per unit of weight
  }
  if (model == "ease") return {{"models.ease.lambda", Kind::kLogUniform, 5, 20000}};  // sparse .. dense data
  if (model == "rp3beta") {
    return {{"models.rp3beta.alpha", Kind::kUniform, 0.1, 1.5},
            {"models.rp3beta.beta", Kind::kUniform, 0, 0.8},
            {"models.rp3beta.neighbors", Kind::kLogInt, 50, 1000}};
  }
  return {};
}

Tuner::Tuner(warehouse::Warehouse& warehouse, engine::ModelStore& store, const config::Config& config)
    : warehouse_(warehouse), store_(store), config_(config) {}

nlohmann::json Tuner::run(const std::string& domain, const TuneOptions& options,
                          const std::function<void(const TrialReport&)>& on_trial) const {
  const MetricSpec metric = parse_metric(options.metric);
  if (options.trials < 0) throw Error(Code::kInvalidArgument, "must be >= 0", "trials");
  const auto start = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  const auto out_of_time = [&] { return options.time_budget_s > 0 && elapsed() > options.time_budget_s; };
  engine::DomainSettings settings = engine::domain_settings(config_, store_, domain);
  config::DomainConfig cfg = settings.config;
  const std::string prefix = "domains." + domain;
  const config::Config no_pins;

  const data::DomainSnapshot snap = data::snapshot_domain(warehouse_, domain, cfg.ratings, options.threads);
  if (snap.n_interactions < config_.training.min_samples) {
    throw Error(Code::kFailedPrecondition,
                fmt::format("domain '{}' has {} interactions, fewer than training.min_samples = {}: nothing to tune",
                            domain, snap.n_interactions, config_.training.min_samples),
                "domain");
  }
  const data::Split split = data::split_random_holdout(snap.matrix, config_.training.test_fraction, options.seed);
  const auto users = eval::held_out_users(split.test, RatingScale::kDislikedValue);
  const std::vector<std::string> names = domain_model_names(cfg);
  const std::optional<ItemContent> content =
      item_content_for(names, warehouse_, domain, snap.items, cfg.models.embedding);
  const eval::EvalOptions eval_options{.k = metric.k, .threads = options.threads, .seed = options.seed};
  log::info("tune.start", "domain", domain, "users", snap.users.size(), "items", snap.items.size(), "interactions",
            snap.n_interactions, "validation_users", users.size(), "metric", options.metric);

  // The plan, for the ETA.
  std::vector<std::vector<SearchParam>> spaces;
  std::vector<int> planned;
  nlohmann::json pinned = nlohmann::json::array();
  for (const auto& name : names) {
    std::vector<SearchParam> space;
    for (auto& p : search_space(name, cfg)) {
      if (config_.is_set(prefix + "." + p.key)) {
        pinned.push_back(p.key);
      } else {
        space.push_back(std::move(p));
      }
    }
    int draws = space.empty() ? 0 : options.trials;
    if (!space.empty() && std::all_of(space.begin(), space.end(), [](const SearchParam& p) { return p.kind == Kind::kChoice; })) {
      int combos = 1;
      for (const auto& p : space) combos *= static_cast<int>(p.choices.size());
      draws = std::min(draws, combos - 1);  // trial 0 is one of them
    }
    planned.push_back(space.empty() ? 0 : 1 + draws);
    spaces.push_back(std::move(space));
  }
  const bool blend_pinned = config_.is_set(prefix + ".ensemble.weights") || config_.is_set(prefix + ".ensemble.method");
  int total_planned = 0;
  for (int p : planned) total_planned += p;
  total_planned += blend_pinned ? 0 : static_cast<int>(names.size() * (1 + kBlendWeights.size() * names.size() / 2));
  int done = 0;
  auto report = [&](const std::string& model, int trial, int total, const nlohmann::json& values, double value,
                    double best) {
    ++done;
    if (!on_trial) return;
    const double e = elapsed();
    on_trial({.model = model, .trial = trial, .total = total, .values = values, .metric = value, .best = best,
              .elapsed_s = e, .eta_s = done > 0 ? e / done * std::max(0, total_planned - done) : 0});
  };

  data::Rng rng(options.seed, 0x7e57);
  nlohmann::json trials = nlohmann::json::array();
  nlohmann::json best_by_model = nlohmann::json::object();
  nlohmann::json values = nlohmann::json::object();  // the record's values

  // 2. Each model alone.
  for (std::size_t q = 0; q < names.size(); ++q) {
    const std::string& name = names[q];
    const auto& space = spaces[q];
    if (space.empty()) continue;
    auto score = [&](const nlohmann::json& tried, std::string& reason) -> std::optional<Score> {
      config::DomainConfig t = cfg;
      config::apply_tuned(no_pins, domain, t, tried);
      const std::vector<std::string> fit_names =
          name == "popularity" ? std::vector<std::string>{"popularity"} : std::vector<std::string>{"popularity", name};
      auto fitted = fit_models(split.train, fit_names,
                               {.models = t.models, .field_prefix = prefix + ".models",
                                .content = content ? &*content : nullptr, .threads = options.threads});
      if (fitted.back().status != "fitted") {
        reason = fitted.back().reason;
        return std::nullopt;
      }
      const ServedEvaluation served(snap.items, split.train, std::move(fitted), t);
      std::vector<eval::RankingMetrics> per_user;
      served.evaluate(users, eval_options, {name}, t.ensemble, nullptr, &per_user);
      return score_of(per_user, metric.name);
    };
    nlohmann::json in_force = nlohmann::json::object();
    for (const auto& p : space) in_force[p.key] = value_at(cfg, p.key);
    nlohmann::json best_values = in_force;
    std::optional<Score> best, first;
    for (int trial = 0; trial < planned[q]; ++trial) {
      if (trial > 0 && out_of_time()) break;
      nlohmann::json tried = nlohmann::json::object();
      if (trial == 0) {
        tried = in_force;
      } else {
        for (const auto& p : space) tried[p.key] = draw(p, rng);
      }
      const auto trial_start = Clock::now();
      std::string reason;
      auto value = score(tried, reason);
      const double seconds = std::chrono::duration<double>(Clock::now() - trial_start).count();
      nlohmann::json entry = {{"model", name}, {"values", tried}, {"seconds", seconds}};
      if (value) {
        entry[options.metric] = value->mean;
        if (trial == 0) first = value;
        if (!best || value->mean > best->mean) {
          best = std::move(value);
          best_values = tried;
        }
      } else {
        entry["skipped"] = reason;
      }
      trials.push_back(entry);
      report(name, trial + 1, planned[q], tried, entry.value(options.metric, std::nan("")),
             best ? best->mean : std::nan(""));
    }
    if (!best) continue;  // the model cannot learn from these data: nothing to record
    // The best of many draws is partly luck: it replaces the values in force only when it beats them clearly.
    const bool replaced = !first || paired_z(*best, *first) >= kSignificance;
    if (!replaced) {
      best = first;
      best_values = in_force;
    }
    config::apply_tuned(no_pins, domain, cfg, best_values);
    best_by_model[name] = {{"values", best_values}, {options.metric, best->mean}, {"changed", replaced}};
    values.update(best_values);
    log::info("tune.model", "domain", domain, "model", name, options.metric, fmt::format("{:.4f}", best->mean),
              "changed", replaced);
  }

  // 3. The blend, on candidate lists asked for once: forward selection from the best model alone, each step
  // adding the model and weight that help most, while it helps clearly.
  nlohmann::json blend = nlohmann::json::object();
  if (!blend_pinned && !out_of_time()) {
    auto fitted = fit_models(split.train, names,
                             {.models = cfg.models, .field_prefix = prefix + ".models",
                              .content = content ? &*content : nullptr, .threads = options.threads});
    const ServedEvaluation served(snap.items, split.train, std::move(fitted), cfg);
    std::vector<std::string> blended = served.fitted_names();
    std::erase(blended, "popularity");
    std::vector<engine::Candidates> candidates(users.size());
    std::vector<int> position(static_cast<std::size_t>(split.train.n_users()), -1);
    for (std::size_t i = 0; i < users.size(); ++i) position[static_cast<std::size_t>(users[i].user)] = static_cast<int>(i);
    const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
#pragma omp parallel for num_threads(threads) schedule(dynamic, 32)
    for (std::size_t i = 0; i < users.size(); ++i) candidates[i] = served.candidates(users[i].user, metric.k, blended);
    auto as_values = [&](const config::EnsembleConfig& e) {
      nlohmann::json v = {{"ensemble.method", e.method}};
      for (const auto& name : cfg.models.enabled) {
        auto w = e.weights.find(name);
        v["ensemble.weights." + name] = w == e.weights.end() ? 0.0 : w->second;
      }
      return v;
    };
    const int total = static_cast<int>(blended.size() * (1 + kBlendWeights.size() * blended.size() / 2));
    int tried = 0;
    auto score = [&](const config::EnsembleConfig& ensemble) {
      std::vector<eval::RankingMetrics> per_user;
      eval::Evaluator(eval_options)
          .evaluate(
              users,
              [&](UserIndex u, std::size_t k) {
                const auto& c = candidates[static_cast<std::size_t>(position[static_cast<std::size_t>(u)])];
                std::vector<models::ScoredItem> items;
                for (const auto& b : served.finish(c, u, k, ensemble).items) {
                  items.push_back({b.item, static_cast<float>(b.score)});
                }
                return items;
              },
              split.train.n_items(), nullptr, &per_user);
      Score result = score_of(per_user, metric.name);
      trials.push_back({{"model", kEnsemble}, {"values", as_values(ensemble)}, {options.metric, result.mean}});
      return result;
    };
    auto weights_of = [&](const std::map<std::string, double>& nonzero) {
      config::EnsembleConfig e = cfg.ensemble;
      e.method = "weighted";
      e.weights.clear();
      for (const auto& name : blended) e.weights[name] = nonzero.count(name) ? nonzero.at(name) : 0.0;
      return e;
    };
    // Every model alone: the best is where the blend starts.
    std::optional<Score> current;
    std::map<std::string, double> chosen;
    std::string single;
    for (const auto& name : blended) {
      const auto e = weights_of({{name, 1.0}});
      Score s = score(e);
      report(kEnsemble, ++tried, total, as_values(e), s.mean, std::max(s.mean, current ? current->mean : s.mean));
      if (!current || s.mean > current->mean) {
        current = std::move(s);
        chosen = {{name, 1.0}};
        single = name;
      }
    }
    const double single_metric = current ? current->mean : 0;
    while (current && chosen.size() < blended.size() && !out_of_time()) {
      std::optional<Score> step;
      std::map<std::string, double> step_weights;
      for (const auto& name : blended) {
        if (chosen.count(name)) continue;
        for (double w : kBlendWeights) {
          auto with = chosen;
          with[name] = w;
          const auto e = weights_of(with);
          Score s = score(e);
          report(kEnsemble, ++tried, total, as_values(e), s.mean, std::max(s.mean, current->mean));
          if (!step || s.mean > step->mean) {
            step = std::move(s);
            step_weights = with;
          }
        }
      }
      if (!step || paired_z(*step, *current) < kSignificance) break;
      current = std::move(step);
      chosen = std::move(step_weights);
    }
    if (current) {
      const auto e = weights_of(chosen);
      values.update(as_values(e));
      blend = {{options.metric, current->mean}, {"method", e.method}, {"weights", e.weights},
               {"best_single_model", {{"model", single}, {options.metric, single_metric}}},
               {"serves_single_model", chosen.size() == 1 ? nlohmann::json(single) : nlohmann::json()}};
      log::info("tune.blend", "domain", domain, options.metric, fmt::format("{:.4f}", current->mean), "models",
                chosen.size());
    }
  }

  nlohmann::json record = {
      {"domain", domain},
      {"created_at", format_iso8601(now_us())},
      {"created_by", created_by()},
      {"seed", options.seed},
      {"metric", options.metric},
      {"data", {{"users", snap.users.size()},
                {"items", snap.items.size()},
                {"interactions", snap.n_interactions},
                {"fitting_entries", split.train.nnz()},
                {"validation_entries", split.test.nnz()},
                {"validation_users", users.size()}}},
      {"values", values},
      {"models", best_by_model},
      {"blend", blend},
      {"pinned", pinned},
      {"seconds", elapsed()},
      {"trials", trials}};
  const int version = store_.save_tuned(domain, record);
  record["version"] = version;
  log::info("tune.done", "domain", domain, "version", version, "secs", fmt::format("{:.1f}", elapsed()));
  return record;
}

}  // namespace mxn::training

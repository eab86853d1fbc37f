#pragma once
// Tuner: `mxn tune`. Searches a domain's model hyperparameters, then its blend, on a validation split carved
// from the domain's data, and saves what it found as the domain's next tuned record in the model store
// (ModelStore::save_tuned). Training and serving use the record's values wherever config does not pin the
// key (engine/domain_settings.h).
//
//  1. Data: the domain's snapshot split per user at random (training.test_fraction, the seed) into a fitting
//     part and a validation part, scored as evaluation scores (held_out.h's relevance rule).
//  2. Each model (popularity, then the enabled ones): trial 0 is the values in force, then `trials` random
//     draws from the model's search space (search_space(): log-uniform for scales such as λ, α and learning
//     rates, the range written next to each). A trial fits the model through fit_models() and scores the
//     list the server would serve with that model alone (served_evaluation.h). The best trial's values are
//     kept if it beats the values in force by two standard errors of the paired per-user difference (the best
//     of many draws is partly luck); otherwise the values in force stay. Keys config pins are not searched.
//  3. The blend: every model fitted once with its best values, each validation user's candidate lists asked
//     for once. Forward selection: start from the best model alone, then add the model and weight (0.05 to 1,
//     next to its 1) that help most, as long as the step beats the blend without it by two standard errors.
//     So the blend never loses to its best part on validation; when nothing joins, the domain serves its
//     best model alone, and the record says so.
// Deterministic for a fixed seed and one thread without a time budget.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/config.h"
#include "engine/model_store.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::training {

struct TuneOptions {
  int trials = 16;            // random draws per model after trial 0 (a search space of a few choices: all)
  double time_budget_s = 0;   // 0 = none; once spent, the remaining models keep trial 0 and the blend search stops
  std::string metric = "ndcg@10";  // ndcg | precision | recall | map | hit_rate | mrr, @k
  std::uint64_t seed = 42;
  int threads = 0;            // 0 = all cores
};

/// One finished trial, for progress displays.
struct TrialReport {
  std::string model;     // a model name, or "ensemble"
  int trial = 0;         // 1-based within the model
  int total = 0;
  nlohmann::json values;  // what was tried, keys relative to the domain
  double metric = 0;
  double best = 0;        // best so far for this model
  double elapsed_s = 0;   // since the run started
  double eta_s = 0;       // estimated time left for the whole run
};

/// One tunable key: where it lives (relative to the domain) and the range it is drawn from.
struct SearchParam {
  std::string key;  // "models.ease.lambda"
  enum class Kind { kLogUniform, kUniform, kLogInt, kChoice } kind = Kind::kLogUniform;
  double lo = 0, hi = 0;       // kLogUniform, kUniform, kLogInt
  std::vector<double> choices;  // kChoice
};

/// The search space of a model under `domain`'s config (collab's follows its algorithm); empty when nothing
/// of it is tuned (embedding).
std::vector<SearchParam> search_space(const std::string& model, const config::DomainConfig& domain);

class Tuner {
 public:
  /// Everything referenced must outlive the tuner.
  Tuner(warehouse::Warehouse& warehouse, engine::ModelStore& store, const config::Config& config);

  /// Tunes `domain` and saves the record; returns it (with its version). Error{kFailedPrecondition} when the
  /// domain has fewer than training.min_samples interactions; Error{kInvalidArgument, field "metric"} for a
  /// metric it does not know.
  nlohmann::json run(const std::string& domain, const TuneOptions& options,
                     const std::function<void(const TrialReport&)>& on_trial = {}) const;

 private:
  warehouse::Warehouse& warehouse_;
  engine::ModelStore& store_;
  const config::Config& config_;
};

}  // namespace mxn::training

#pragma once
// Offline evaluation of what the server serves. The fitted models of one domain are set up exactly as the
// engine serves them (engine/ranker.h: same candidate lists, same blend, same cold-start fallback, same
// backfill), and every held-out user gets the list POST /recommendations would give them, the blend
// ("ensemble") or one model alone (model_types = [that model]).
//
// Protocol (docs/quality.md):
//   - a held-out user is one with at least one relevant held-out item; users unknown at training have an
//     empty row, so they get the cold-start list, as from the server;
//   - relevant items unknown at training can never be served: they count as misses;
//   - a user's training items are never served back (as score.py drops them; a cool-down domain's server
//     would offer them again once the cool-down has passed).

#include <string>
#include <vector>

#include "core/config.h"
#include "core/id_map.h"
#include "data/interaction_matrix.h"
#include "engine/live_index.h"
#include "engine/ranker.h"
#include "eval/evaluator.h"
#include "training/model_fitter.h"

namespace mxn::training {

/// One row of an evaluation report.
struct EvalRow {
  std::string model;      // a model name, or "ensemble" for the blend
  std::string type_name;  // the Recommender type ("ensemble" for the blend)
  std::string status;     // evaluated | skipped | failed
  std::string reason;     // why not evaluated
  eval::Metrics metrics;
};

inline constexpr const char* kEnsemble = "ensemble";

class ServedEvaluation {
 public:
  /// `items`: the numbering of `train` and of the models (the snapshot's item IdMap); `train`: the raw
  /// (unweighed) training matrix the models were fitted on, whose rows are the users' histories. The
  /// fitted models are moved in; skipped and failed ones are only reported.
  ServedEvaluation(const IdMap& items, const data::InteractionMatrix& train, std::vector<FittedModel> fitted,
                   const config::DomainConfig& domain);

  /// The served list of a user (users at or past train.n_users() have no history) for `models` (empty:
  /// the domain's enabled ones) under `ensemble`.
  engine::Ranking rank(UserIndex user, std::size_t k, const std::vector<std::string>& models,
                       const config::EnsembleConfig& ensemble) const;
  /// The models' candidate lists for a user, and finishing them with an ensemble: rank() in two steps, so
  /// that a search over blends asks the models once.
  engine::Candidates candidates(UserIndex user, std::size_t k, const std::vector<std::string>& models) const;
  engine::Ranking finish(const engine::Candidates& candidates, UserIndex user, std::size_t k,
                         const config::EnsembleConfig& ensemble) const;

  /// The served lists of `models` (empty: the domain's enabled ones) under `ensemble`, scored on `users`.
  eval::Metrics evaluate(const std::vector<eval::HeldOutUser>& users, const eval::EvalOptions& options,
                         const std::vector<std::string>& models, const config::EnsembleConfig& ensemble,
                         std::vector<eval::UserList>* lists = nullptr,
                         std::vector<eval::RankingMetrics>* per_user = nullptr) const;

  /// Popularity, each other model alone, then the blend of the domain's enabled models, each through
  /// rank(); `lists[i]`, when given, receives row i's lists.
  std::vector<EvalRow> evaluate(const std::vector<eval::HeldOutUser>& users, const eval::EvalOptions& options,
                                std::vector<std::vector<eval::UserList>>* lists = nullptr) const;

  /// The names of the models that fitted, in fit order.
  std::vector<std::string> fitted_names() const;
  const engine::ModelSet& models() const { return set_; }

 private:
  engine::RankRequest request(UserIndex user, std::size_t k, const std::vector<std::string>& models,
                              std::vector<engine::LiveEntry>& row) const;

  const data::InteractionMatrix& train_;
  const config::DomainConfig& domain_;
  engine::LiveIndex live_;  // the items, in the models' numbering
  engine::ModelSet set_;
  std::vector<EvalRow> not_fitted_;  // skipped and failed models, in fit order
  std::vector<std::string> order_;   // every model name, in fit order
};

}  // namespace mxn::training

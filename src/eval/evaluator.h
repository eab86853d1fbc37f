#pragma once
// Evaluator: offline evaluation of a ranking on held-out data. For every held-out user (one with at least
// one relevant held-out item), the ranking function gives the user's top k, which is scored against the
// user's relevant items (see metrics.h). Relevant items may be ones no model knows (indices at or past the
// catalog's end): they can never be ranked, so they count as misses; users unknown at training are ranked
// like anyone else (the caller's function serves them as the server would). Users are evaluated in parallel
// (the function must be thread-safe); results do not depend on the thread count.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "data/interaction_matrix.h"
#include "eval/metrics.h"
#include "models/recommender.h"

namespace mxn::eval {

struct EvalOptions {
  std::size_t k = 10;
  int threads = 0;            // 0 = all available
  std::size_t max_users = 0;  // 0 = every held-out user; else a random sample of this many (by seed)
  std::uint64_t seed = 42;
};

/// Means over the evaluated users; coverage = share of the catalog recommended to at least one of them.
struct Metrics {
  std::size_t k = 0;
  std::size_t users = 0;
  double precision = 0;
  double recall = 0;
  double ndcg = 0;
  double ndcg_stddev =
      0;  // of the per-user NDCGs (population): their mean's standard error is this / sqrt(users)
  double map = 0;
  double hit_rate = 0;
  double mrr = 0;
  double coverage = 0;
  double seconds = 0;  // wall time of the evaluation

  /// "users=... precision@10=0.1234 recall@10=... ndcg@10=... map@10=... hr@10=... mrr@10=... coverage=..."
  std::string summary() const;
};

/// One held-out user: who, and their relevant held-out items (sorted ascending, unique).
struct HeldOutUser {
  UserIndex user = 0;
  std::vector<ItemIndex> relevant;
};

/// The held-out users of a test matrix: every user with an entry whose value is above `min_value`
/// (those entries are the relevant ones).
std::vector<HeldOutUser> held_out_users(const data::InteractionMatrix& test, float min_value = 0.0f);

/// One evaluated user's top-k list, for writing out (Evaluator::evaluate's optional output).
struct UserList {
  UserIndex user = 0;
  std::vector<models::ScoredItem> items;  // best first
};

/// A user's top k, best first. Called concurrently.
using RankFn = std::function<std::vector<models::ScoredItem>(UserIndex user, std::size_t k)>;

class Evaluator {
 public:
  /// k == 0 is an Error{kInvalidArgument, field "k"}.
  explicit Evaluator(EvalOptions options = {});

  /// `n_items`: the catalog size, for coverage. lists: when given, receives every evaluated user's top-k
  /// list, ordered as `users` (after sampling); per_user, when given, every evaluated user's metrics, in the
  /// same order.
  Metrics evaluate(std::span<const HeldOutUser> users, const RankFn& rank, ItemIndex n_items,
                   std::vector<UserList>* lists = nullptr, std::vector<RankingMetrics>* per_user = nullptr) const;

  /// One fitted model on a (train, test) split of one shape (Error{kInvalidArgument} otherwise): each user's
  /// list is the model's recommend() for their train row, without the row's items.
  Metrics evaluate(const models::Recommender& model, const data::InteractionMatrix& train,
                   const data::InteractionMatrix& test, std::vector<UserList>* lists = nullptr) const;

  const EvalOptions& options() const { return options_; }

 private:
  EvalOptions options_;
};

}  // namespace mxn::eval

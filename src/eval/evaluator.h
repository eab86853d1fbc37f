#pragma once
// Evaluator: offline evaluation of any Recommender on a (train, test) split. For every user with at
// least one relevant test item (test weight > 0), the model ranks the full catalog from the user's train
// row, excluding the train row's items, and the top k are scored against the test items (see
// metrics.h). Users are evaluated in parallel (the model's recommend() is thread-safe); results do not
// depend on the thread count. Comparing against popularity is the caller's job (evaluate both).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/interaction_matrix.h"
#include "models/recommender.h"

namespace mxn::eval {

struct EvalOptions {
  std::size_t k = 10;
  int threads = 0;            // 0 = all available
  std::size_t max_users = 0;  // 0 = every eligible user; else a random sample of this many (by seed)
  std::uint64_t seed = 42;
};

/// Means over the evaluated users; coverage = share of the catalog recommended to at least one of them.
struct Metrics {
  std::size_t k = 0;
  std::size_t users = 0;
  double precision = 0;
  double recall = 0;
  double ndcg = 0;
  double map = 0;
  double hit_rate = 0;
  double mrr = 0;
  double coverage = 0;
  double seconds = 0;  // wall time of the evaluation

  /// "users=... precision@10=0.1234 recall@10=... ndcg@10=... map@10=... hr@10=... mrr@10=... coverage=..."
  std::string summary() const;
};

/// One evaluated user's top-k list, for writing out (Evaluator::evaluate's optional output).
struct UserList {
  UserIndex user = 0;
  std::vector<models::ScoredItem> items;  // best first
};

class Evaluator {
 public:
  /// k == 0 is an Error{kInvalidArgument, field "k"}.
  explicit Evaluator(EvalOptions options = {});

  /// train and test must have the same shape (Error{kInvalidArgument} otherwise); the model must be fitted.
  /// lists: when given, receives every evaluated user's top-k list, ordered by user.
  Metrics evaluate(const models::Recommender& model, const data::InteractionMatrix& train,
                   const data::InteractionMatrix& test, std::vector<UserList>* lists = nullptr) const;

  const EvalOptions& options() const { return options_; }

 private:
  EvalOptions options_;
};

}  // namespace mxn::eval

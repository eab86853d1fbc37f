#include "eval/evaluator.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "data/rng.h"
#include "eval/metrics.h"

namespace mxn::eval {

std::string Metrics::summary() const {
  std::ostringstream s;
  s.precision(4);
  s << std::fixed << "users=" << users << " precision@" << k << "=" << precision << " recall@" << k << "="
    << recall << " ndcg@" << k << "=" << ndcg << " map@" << k << "=" << map << " hr@" << k << "=" << hit_rate
    << " mrr@" << k << "=" << mrr << " coverage=" << coverage;
  return s.str();
}

Evaluator::Evaluator(EvalOptions options) : options_(options) {
  if (options_.k == 0) throw Error(Code::kInvalidArgument, "must be > 0", "k");
}

Metrics Evaluator::evaluate(const models::Recommender& model, const data::InteractionMatrix& train,
                            const data::InteractionMatrix& test, std::vector<UserList>* lists_out) const {
  const auto start = std::chrono::steady_clock::now();
  if (train.n_users() != test.n_users() || train.n_items() != test.n_items()) {
    throw Error(Code::kInvalidArgument, "train and test matrices must have the same shape", "test");
  }
  if (!model.is_fitted()) {
    throw Error(Code::kFailedPrecondition, "model '" + std::string(model.type_name()) + "' is not fitted");
  }
  // Users with at least one relevant test item.
  std::vector<UserIndex> users;
  for (UserIndex u = 0; u < test.n_users(); ++u) {
    const auto row = test.row(u);
    if (std::any_of(row.weights.begin(), row.weights.end(), [](float w) { return w > 0; }))
      users.push_back(u);
  }
  if (options_.max_users > 0 && users.size() > options_.max_users) {
    data::Rng rng(options_.seed, 0xe7a1);
    for (std::size_t q = 0; q < options_.max_users; ++q) {
      std::swap(users[q], users[q + rng.below(static_cast<std::uint32_t>(users.size() - q))]);
    }
    users.resize(options_.max_users);
    std::sort(users.begin(), users.end());
  }

  const std::size_t n = users.size();
  const std::size_t k = options_.k;
  std::vector<RankingMetrics> per_user(n);
  std::vector<std::vector<ItemIndex>> lists(n);
  if (lists_out != nullptr) lists_out->assign(n, UserList{});
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const int threads = options_.threads > 0 ? options_.threads : omp_get_max_threads();
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16) if (n > 64)
  for (std::size_t q = 0; q < n; ++q) {
    try {
      const UserIndex u = users[q];
      const auto train_row = train.row(u);
      const auto recs = model.recommend(train_row, k, models::ItemFilter::of_row(train_row));
      std::vector<ItemIndex> ranked;
      ranked.reserve(recs.size());
      for (const auto& r : recs) ranked.push_back(r.item);
      const auto test_row = test.row(u);
      std::vector<ItemIndex> relevant;
      for (std::size_t e = 0; e < test_row.size(); ++e) {
        if (test_row.weights[e] > 0) relevant.push_back(test_row.items[e]);
      }
      per_user[q] = ranking_metrics(ranked, relevant, k);
      lists[q] = std::move(ranked);
      if (lists_out != nullptr) (*lists_out)[q] = {u, recs};
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);

  Metrics m;
  m.k = k;
  m.users = n;
  for (const auto& r : per_user) {
    m.precision += r.precision;
    m.recall += r.recall;
    m.ndcg += r.ndcg;
    m.map += r.average_precision;
    m.hit_rate += r.hit;
    m.mrr += r.reciprocal_rank;
  }
  if (n > 0) {
    const double d = static_cast<double>(n);
    m.precision /= d;
    m.recall /= d;
    m.ndcg /= d;
    m.map /= d;
    m.hit_rate /= d;
    m.mrr /= d;
  }
  m.coverage = catalog_coverage(lists, train.n_items());
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return m;
}

}  // namespace mxn::eval

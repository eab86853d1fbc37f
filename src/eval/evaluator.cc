#include "eval/evaluator.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
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

std::vector<HeldOutUser> held_out_users(const data::InteractionMatrix& test, float min_value) {
  std::vector<HeldOutUser> out;
  for (UserIndex u = 0; u < test.n_users(); ++u) {
    const auto row = test.row(u);
    HeldOutUser h{.user = u};
    for (std::size_t e = 0; e < row.size(); ++e) {
      if (row.weights[e] > min_value) h.relevant.push_back(row.items[e]);
    }
    if (!h.relevant.empty()) out.push_back(std::move(h));
  }
  return out;
}

Evaluator::Evaluator(EvalOptions options) : options_(options) {
  if (options_.k == 0) throw Error(Code::kInvalidArgument, "must be > 0", "k");
}

Metrics Evaluator::evaluate(std::span<const HeldOutUser> all_users, const RankFn& rank, ItemIndex n_items,
                            std::vector<UserList>* lists_out, std::vector<RankingMetrics>* per_user_out) const {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::size_t> picked(all_users.size());
  for (std::size_t q = 0; q < picked.size(); ++q) picked[q] = q;
  if (options_.max_users > 0 && picked.size() > options_.max_users) {
    data::Rng rng(options_.seed, 0xe7a1);
    for (std::size_t q = 0; q < options_.max_users; ++q) {
      std::swap(picked[q], picked[q + rng.below(static_cast<std::uint32_t>(picked.size() - q))]);
    }
    picked.resize(options_.max_users);
    std::sort(picked.begin(), picked.end());
  }

  const std::size_t n = picked.size();
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
      const HeldOutUser& h = all_users[picked[q]];
      auto recs = rank(h.user, k);
      std::vector<ItemIndex> ranked;
      ranked.reserve(recs.size());
      for (const auto& r : recs) ranked.push_back(r.item);
      per_user[q] = ranking_metrics(ranked, h.relevant, k);
      lists[q] = std::move(ranked);
      if (lists_out != nullptr) (*lists_out)[q] = {h.user, std::move(recs)};
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
  if (n > 0) {
    double squares = 0;
    for (const auto& r : per_user) squares += (r.ndcg - m.ndcg) * (r.ndcg - m.ndcg);
    m.ndcg_stddev = std::sqrt(squares / static_cast<double>(n));
  }
  m.coverage = catalog_coverage(lists, n_items);
  if (per_user_out != nullptr) *per_user_out = std::move(per_user);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return m;
}

Metrics Evaluator::evaluate(const models::Recommender& model, const data::InteractionMatrix& train,
                            const data::InteractionMatrix& test, std::vector<UserList>* lists) const {
  if (train.n_users() != test.n_users() || train.n_items() != test.n_items()) {
    throw Error(Code::kInvalidArgument, "train and test matrices must have the same shape", "test");
  }
  if (!model.is_fitted()) {
    throw Error(Code::kFailedPrecondition, "model '" + std::string(model.type_name()) + "' is not fitted");
  }
  const auto users = held_out_users(test);
  return evaluate(
      users,
      [&](UserIndex u, std::size_t k) {
        const auto row = train.row(u);
        return model.recommend(row, k, models::ItemFilter::of_row(row));
      },
      train.n_items(), lists);
}

}  // namespace mxn::eval

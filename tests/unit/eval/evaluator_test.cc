#include "eval/evaluator.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "data/rng.h"
#include "data/split.h"
#include "models/als.h"
#include "models/popularity.h"

namespace mxn::eval {
namespace {

/// Recommends items in index order (a fixed, fully predictable ranking).
class IndexOrder final : public models::Recommender {
 public:
  explicit IndexOrder(ItemIndex n) : n_(n) {}
  std::string_view type_name() const override { return "index_order"; }
  void fit(const data::InteractionMatrix&, const models::FitOptions&) override {}
  std::vector<models::ScoredItem> recommend(const data::SparseRow&, std::size_t k,
                                            const models::ItemFilter& exclude) const override {
    std::vector<models::ScoredItem> out;
    for (ItemIndex i = 0; i < n_ && out.size() < k; ++i) {
      if (!exclude.excludes(i)) out.push_back({i, static_cast<float>(n_ - i)});
    }
    return out;
  }
  void save(models::ModelWriter&) const override {}
  void load(models::ModelReader&) override {}
  bool is_fitted() const override { return true; }
  ItemIndex n_items() const override { return n_; }
  std::string params_text() const override { return {}; }

 private:
  ItemIndex n_;
};

data::InteractionMatrix matrix(std::vector<data::Triplet> t) {
  return data::InteractionMatrix::from_triplets(std::move(t), 4, 6);
}

TEST(EvaluatorTest, HandComputedMetrics) {
  // user 0: train {0,1}, test {2,5}; user 1: train {2}, test {0 (negative), 4}; user 2: nothing;
  // user 3: train {0}, test {1}. Rankings at k=3: [2,3,4], [0,1,3], [1,2,3].
  const auto train =
      matrix({{0, 0, 1, 0, false}, {0, 1, 1, 0, false}, {1, 2, 1, 0, false}, {3, 0, 1, 0, false}});
  const auto test = matrix({{0, 2, 1, 0, false},
                            {0, 5, 1, 0, false},
                            {1, 0, -1, 0, false},
                            {1, 4, 1, 0, false},
                            {3, 1, 1, 0, false}});
  EvalOptions o;
  o.k = 3;
  std::vector<UserList> lists;
  const auto m = Evaluator(o).evaluate(IndexOrder(6), train, test, &lists);
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[0].user, 0);
  EXPECT_EQ(lists[1].user, 1);
  EXPECT_EQ(lists[2].user, 3);
  ASSERT_EQ(lists[0].items.size(), 3u);
  EXPECT_EQ(lists[0].items[0].item, 2);
  EXPECT_EQ(lists[2].items[0].item, 1);
  EXPECT_EQ(m.users, 3u);
  EXPECT_EQ(m.k, 3u);
  EXPECT_NEAR(m.precision, 2.0 / 9.0, 1e-12);
  EXPECT_NEAR(m.recall, 0.5, 1e-12);
  EXPECT_NEAR(m.ndcg, (1.0 / (1.0 + 1.0 / std::log2(3.0)) + 0.0 + 1.0) / 3.0, 1e-12);
  EXPECT_NEAR(m.map, 0.5, 1e-12);
  EXPECT_NEAR(m.hit_rate, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.mrr, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.coverage, 5.0 / 6.0, 1e-12);
  EXPECT_NE(m.summary().find("ndcg@3="), std::string::npos);
}

TEST(EvaluatorTest, RejectsMismatchedShapesAndZeroK) {
  const auto a = matrix({{0, 0, 1, 0, false}});
  const auto b = data::InteractionMatrix::from_triplets({{0, 0, 1, 0, false}}, 4, 7);
  EXPECT_THROW(Evaluator().evaluate(IndexOrder(6), a, b), Error);
  EvalOptions o;
  o.k = 0;
  EXPECT_THROW(Evaluator{o}, Error);
}

/// Users with a taste for one of 6 item groups (plus some noise).
data::InteractionMatrix clustered(std::uint64_t seed) {
  data::Rng rng(seed);
  std::vector<data::Triplet> t;
  const int groups = 6, per_group = 15, users = 240;
  for (int u = 0; u < users; ++u) {
    const int g = u % groups;
    for (int j = 0; j < per_group; ++j) {
      if (rng.uniform() < 0.6) t.push_back({u, g * per_group + j, 1.0f, 0, false});
    }
    t.push_back({u, static_cast<ItemIndex>(rng.below(groups * per_group)), 1.0f, 0, false});
  }
  return data::InteractionMatrix::from_triplets(std::move(t), users, groups * per_group);
}

TEST(EvaluatorTest, AlsBeatsPopularityAndThreadsDoNotChangeResults) {
  const auto split = data::split_random_holdout(clustered(5), 0.2, 9);
  AlsParams p;
  p.factors = 16;
  p.iterations = 10;
  models::Als als(p);
  als.fit(split.train, {});
  models::Popularity pop;
  pop.fit(split.train, {});
  EvalOptions one;
  one.threads = 1;
  EvalOptions two;
  two.threads = 2;
  const auto a1 = Evaluator(one).evaluate(als, split.train, split.test);
  const auto a2 = Evaluator(two).evaluate(als, split.train, split.test);
  const auto p1 = Evaluator(one).evaluate(pop, split.train, split.test);
  EXPECT_GT(a1.users, 200u);
  EXPECT_GT(a1.ndcg, 2 * p1.ndcg) << "als " << a1.summary() << " vs popularity " << p1.summary();
  EXPECT_GT(a1.coverage, p1.coverage);
  EXPECT_EQ(a1.ndcg, a2.ndcg);
  EXPECT_EQ(a1.map, a2.map);
  EXPECT_EQ(a1.coverage, a2.coverage);
}

TEST(EvaluatorTest, MaxUsersSamplesDeterministically) {
  const auto split = data::split_random_holdout(clustered(6), 0.2, 1);
  models::Popularity pop;
  pop.fit(split.train, {});
  EvalOptions o;
  o.max_users = 50;
  const auto a = Evaluator(o).evaluate(pop, split.train, split.test);
  const auto b = Evaluator(o).evaluate(pop, split.train, split.test);
  EXPECT_EQ(a.users, 50u);
  EXPECT_EQ(a.precision, b.precision);
}

}  // namespace
}  // namespace mxn::eval

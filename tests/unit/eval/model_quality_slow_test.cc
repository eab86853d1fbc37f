// Every personal model beats popularity on data with planted taste structure (a slow, end-to-end check
// of fit + fold-in + evaluation together).

#include <gtest/gtest.h>

#include <memory>

#include "core/config.h"
#include "data/rng.h"
#include "data/split.h"
#include "eval/evaluator.h"
#include "models/registry.h"

namespace mxn::eval {
namespace {

/// 3000 users, 600 items in 20 taste groups; each user likes items of two groups, with power-law
/// popularity inside a group, plus 10% random noise interactions.
data::InteractionMatrix tastes() {
  data::Rng rng(17);
  const int users = 3000, groups = 20, per_group = 30;
  std::vector<data::Triplet> t;
  for (int u = 0; u < users; ++u) {
    const int g1 = static_cast<int>(rng.below(groups)), g2 = static_cast<int>(rng.below(groups));
    const int n = 10 + static_cast<int>(rng.below(30));
    for (int q = 0; q < n; ++q) {
      int item;
      if (rng.uniform() < 0.1) {
        item = static_cast<int>(rng.below(groups * per_group));
      } else {
        const int g = rng.uniform() < 0.5 ? g1 : g2;
        item = g * per_group + static_cast<int>(per_group * rng.uniform() * rng.uniform());  // skewed
      }
      t.push_back({u, item, 1.0f + static_cast<float>(rng.below(3)), q, false});
    }
  }
  return data::InteractionMatrix::from_triplets(std::move(t), users, groups * per_group);
}

TEST(ModelQualityTest, PersonalModelsBeatPopularity) {
  const auto split = data::split_random_holdout(tastes(), 0.2, 5);
  config::ModelsConfig config;
  config.collab.als.factors = 32;
  config.collab.als.regularization = 1.0;
  config.collab.bpr.factors = 32;
  config.collab.bpr.epochs = 40;
  EvalOptions options;
  options.k = 10;
  const Evaluator evaluator(options);

  auto popularity = models::make_recommender("popularity", config);
  popularity->fit(split.train, {});
  const Metrics baseline = evaluator.evaluate(*popularity, split.train, split.test);
  ASSERT_GT(baseline.users, 2000u);

  for (const std::string algorithm : {"knn", "als", "bpr"}) {
    config.collab.algorithm = algorithm == "bpr" ? "bpr" : "als";
    auto model = models::make_recommender(algorithm == "knn" ? "knn" : "collab", config);
    model->fit(split.train, {});
    const Metrics m = evaluator.evaluate(*model, split.train, split.test);
    EXPECT_GT(m.ndcg, 3 * baseline.ndcg)
        << algorithm << ": " << m.summary() << " vs popularity " << baseline.summary();
    EXPECT_GT(m.recall, baseline.recall) << algorithm;
    EXPECT_GT(m.coverage, baseline.coverage) << algorithm;
  }
}

}  // namespace
}  // namespace mxn::eval

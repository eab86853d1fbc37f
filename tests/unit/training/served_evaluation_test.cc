// ServedEvaluation: what POST /recommendations would serve, scored on held-out data.

#include "training/served_evaluation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace mxn::training {
namespace {

using ::testing::HasSubstr;

/// Items i0..i{n-1}.
IdMap item_ids(int n) {
  IdMap items;
  for (int i = 0; i < n; ++i) items.get_or_add("i" + std::to_string(i));
  return items;
}

data::InteractionMatrix matrix(std::vector<std::tuple<UserIndex, ItemIndex, float>> entries, UserIndex users,
                               ItemIndex items) {
  std::vector<data::Triplet> triplets;
  for (auto [u, i, w] : entries) triplets.push_back({.user = u, .item = i, .weight = w});
  return data::InteractionMatrix::from_triplets(std::move(triplets), users, items);
}

config::DomainConfig domain_with(std::vector<std::string> enabled) {
  config::DomainConfig d;
  d.models.enabled = std::move(enabled);
  return d;
}

TEST(ServedEvaluationTest, MetricsEqualAHandComputedCaseWithUnknownUsersAndItemsAsServed) {
  // Popularity by users: i0 2, i1 1, i2 1, i3 and i4 none.
  const auto train = matrix({{0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {2, 2, 1}}, 3, 5);
  const config::DomainConfig domain = domain_with({});
  auto fitted = fit_models(train, {"popularity"}, {.models = domain.models, .field_prefix = "models"});
  const ServedEvaluation served(item_ids(5), train, std::move(fitted), domain);
  // user 0 holds out i1 and i3; user 2 an item the training data never saw (index 5); user 3 is unknown.
  const std::vector<eval::HeldOutUser> users = {{0, {1, 3}}, {2, {5}}, {3, {0}}};
  std::vector<std::vector<eval::UserList>> lists;
  const auto rows = served.evaluate(users, {.k = 2, .threads = 1}, &lists);
  ASSERT_EQ(rows.size(), 2u);  // popularity alone, then the blend (here popularity too: nothing else is enabled)
  EXPECT_EQ(rows[0].model, "popularity");
  EXPECT_EQ(rows[1].model, kEnsemble);
  // user 0: [i1, i2] (i0 is theirs; i1 and i2 tie, in id order): a hit at rank 1 of 2 relevant.
  // user 2: [i0, i1]: the unknown item can never be served: a miss.
  // user 3: no history: the cold-start list [i0, i1]: a hit at rank 1.
  const double ndcg0 = 1.0 / (1.0 + 1.0 / std::log2(3.0));
  for (const auto& r : rows) {
    EXPECT_EQ(r.metrics.users, 3u);
    EXPECT_NEAR(r.metrics.ndcg, (ndcg0 + 0 + 1) / 3, 1e-12);
    EXPECT_NEAR(r.metrics.precision, (0.5 + 0 + 0.5) / 3, 1e-12);
    EXPECT_NEAR(r.metrics.recall, (0.5 + 0 + 1) / 3, 1e-12);
    EXPECT_NEAR(r.metrics.hit_rate, 2.0 / 3, 1e-12);
  }
  ASSERT_EQ(lists[1].size(), 3u);
  EXPECT_EQ(lists[1][0].items[0].item, 1);
  EXPECT_EQ(lists[1][0].items[1].item, 2);
  EXPECT_EQ(lists[1][2].items[0].item, 0);
  EXPECT_TRUE(served.rank(3, 2, {}, domain.ensemble).cold_start);
}

TEST(ServedEvaluationTest, AModelThatCannotLearnIsReportedAndNeverBlended) {
  // No two items share a user: item-KNN learns nothing; no item text: embedding cannot run.
  const auto train = matrix({{0, 0, 1}, {1, 1, 1}, {2, 2, 1}, {3, 3, 2}}, 4, 5);
  const config::DomainConfig domain = domain_with({"knn", "embedding"});
  auto fitted = fit_models(train, domain_model_names(domain), {.models = domain.models, .field_prefix = "models"});
  ASSERT_EQ(fitted.size(), 3u);
  EXPECT_EQ(fitted[1].status, "skipped");
  EXPECT_THAT(fitted[1].reason, HasSubstr("no two items share a user"));
  EXPECT_EQ(fitted[2].status, "skipped");
  EXPECT_THAT(fitted[2].reason, HasSubstr("no catalog item has any text"));
  const ServedEvaluation served(item_ids(5), train, std::move(fitted), domain);
  EXPECT_EQ(served.fitted_names(), std::vector<std::string>{"popularity"});
  const auto rows = served.evaluate({{0, {1}}, {1, {0}}}, {.k = 3, .threads = 1});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].model, "knn");
  EXPECT_EQ(rows[1].status, "skipped");
  EXPECT_EQ(rows[2].status, "skipped");
  EXPECT_EQ(rows[3].model, kEnsemble);
  EXPECT_EQ(rows[3].status, "evaluated") << "the others do not stop the evaluation";
  const auto ranking = served.rank(0, 3, {}, domain.ensemble);
  EXPECT_EQ(ranking.models_used, std::vector<std::string>{"popularity"}) << "nothing unlearned is blended";
}

TEST(ServedEvaluationTest, AShortListIsFilledFromPopularity) {
  // Item-KNN reaches only i1 from i0; the list of 3 is filled with popular items the user has not seen.
  const auto train = matrix({{0, 0, 1}, {0, 1, 1}, {1, 0, 1}, {1, 1, 1}, {2, 2, 1}, {3, 2, 1}, {4, 0, 1}}, 5, 4);
  const config::DomainConfig domain = domain_with({"knn"});
  auto fitted = fit_models(train, domain_model_names(domain), {.models = domain.models, .field_prefix = "models"});
  const ServedEvaluation served(item_ids(4), train, std::move(fitted), domain);
  const auto ranking = served.rank(4, 3, {}, domain.ensemble);  // user 4 has i0
  ASSERT_EQ(ranking.items.size(), 3u);
  EXPECT_EQ(ranking.items[0].item, 1);
  EXPECT_TRUE(ranking.items[0].contributions.count("knn"));
  EXPECT_EQ(ranking.items[1].item, 2) << "the most popular item left";
  EXPECT_EQ(ranking.items[1].contributions, (std::map<std::string, double>{{"popularity", 0.0}}));
  EXPECT_EQ(ranking.items[2].item, 3);
  EXPECT_LE(ranking.items[1].score, ranking.items[0].score);
  EXPECT_EQ(ranking.models_used, (std::vector<std::string>{"knn", "popularity"}));
  EXPECT_FALSE(ranking.cold_start);
}

TEST(ServedEvaluationTest, TheDomainsWeightingIsAppliedToTrainingAndToEveryRow) {
  // The same counts, raw and log1p: the scores the models give must follow.
  const auto train = matrix({{0, 0, 20}, {0, 1, 1}, {1, 0, 1}, {1, 1, 1}, {1, 2, 1}, {2, 2, 5}, {2, 1, 1}}, 3, 3);
  config::DomainConfig raw = domain_with({"ease"});
  config::DomainConfig log1p = raw;
  log1p.models.weighting = "log1p";
  std::vector<double> scores;
  for (const auto* d : {&raw, &log1p}) {
    auto fitted = fit_models(train, domain_model_names(*d), {.models = d->models, .field_prefix = "models"});
    const ServedEvaluation served(item_ids(3), train, std::move(fitted), *d);
    const auto c = served.candidates(0, 1, {"ease"});
    ASSERT_EQ(c.lists.size(), 1u);
    ASSERT_EQ(c.lists[0].items.size(), 1u);
    scores.push_back(c.lists[0].items[0].score);
  }
  EXPECT_GT(std::fabs(scores[0] - scores[1]), 1e-3 * std::fabs(scores[0])) << "log1p changed nothing";
}

}  // namespace
}  // namespace mxn::training

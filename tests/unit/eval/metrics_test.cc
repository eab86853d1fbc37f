#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mxn::eval {
namespace {

const std::vector<ItemIndex> kRanked{5, 3, 9, 1, 7};
const std::vector<ItemIndex> kRelevant{1, 3, 8};  // hits at ranks 2 and 4

TEST(MetricsTest, HandComputedAtFive) {
  const auto m = ranking_metrics(kRanked, kRelevant, 5);
  EXPECT_DOUBLE_EQ(m.precision, 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3.0);
  const double dcg = 1.0 / std::log2(3.0) + 1.0 / std::log2(5.0);
  const double idcg = 1.0 + 1.0 / std::log2(3.0) + 0.5;
  EXPECT_NEAR(m.ndcg, dcg / idcg, 1e-12);
  EXPECT_NEAR(m.ndcg, 0.498189, 1e-6);
  EXPECT_DOUBLE_EQ(m.average_precision, (1.0 / 2.0 + 2.0 / 4.0) / 3.0);
  EXPECT_DOUBLE_EQ(m.hit, 1.0);
  EXPECT_DOUBLE_EQ(m.reciprocal_rank, 0.5);
}

TEST(MetricsTest, HandComputedAtThreeAndOne) {
  EXPECT_DOUBLE_EQ(precision_at_k(kRanked, kRelevant, 3), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(recall_at_k(kRanked, kRelevant, 3), 1.0 / 3.0);
  EXPECT_NEAR(ndcg_at_k(kRanked, kRelevant, 3), (1.0 / std::log2(3.0)) / (1.0 + 1.0 / std::log2(3.0) + 0.5),
              1e-12);
  EXPECT_DOUBLE_EQ(average_precision_at_k(kRanked, kRelevant, 3), 0.5 / 3.0);
  EXPECT_DOUBLE_EQ(reciprocal_rank_at_k(kRanked, kRelevant, 3), 0.5);
  EXPECT_DOUBLE_EQ(hit_at_k(kRanked, kRelevant, 1), 0.0);
  EXPECT_DOUBLE_EQ(precision_at_k(kRanked, kRelevant, 1), 0.0);
  EXPECT_DOUBLE_EQ(reciprocal_rank_at_k(kRanked, kRelevant, 1), 0.0);
}

TEST(MetricsTest, PerfectRankingScoresOne) {
  const std::vector<ItemIndex> ranked{4, 2, 6};
  const std::vector<ItemIndex> relevant{2, 4};
  const auto m = ranking_metrics(ranked, relevant, 2);
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.ndcg, 1.0);
  EXPECT_DOUBLE_EQ(m.average_precision, 1.0);
}

TEST(MetricsTest, ShortListAndNoRelevantItems) {
  const std::vector<ItemIndex> ranked{3};
  EXPECT_DOUBLE_EQ(precision_at_k(ranked, kRelevant, 10), 0.1);  // k stays the denominator
  const auto none = ranking_metrics(kRanked, {}, 5);
  EXPECT_EQ(
      none.precision + none.recall + none.ndcg + none.average_precision + none.hit + none.reciprocal_rank,
      0.0);
}

TEST(MetricsTest, CatalogCoverage) {
  EXPECT_DOUBLE_EQ(catalog_coverage({{1, 2}, {2, 3}, {}}, 10), 0.3);
  EXPECT_DOUBLE_EQ(catalog_coverage({}, 10), 0.0);
  EXPECT_DOUBLE_EQ(catalog_coverage({{0}}, 0), 0.0);
}

}  // namespace
}  // namespace mxn::eval

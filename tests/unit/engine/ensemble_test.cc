// blend(): weighted min-max averaging and reciprocal-rank fusion of model lists, with each model's part.

#include "engine/ensemble.h"

#include <gtest/gtest.h>

namespace mxn::engine {
namespace {

const auto kByIndex = [](ItemIndex a, ItemIndex b) { return a < b; };

std::vector<ModelList> two_lists() {
  return {{.model = "knn", .weight = 1.0, .items = {{10, 4.0f}, {11, 3.0f}, {12, 2.0f}}},
          {.model = "collab", .weight = 3.0, .items = {{12, 0.9f}, {13, 0.5f}, {10, 0.1f}}}};
}

TEST(BlendTest, WeightedAveragesNormalisedScoresAndKeepsEachModelsPart) {
  config::EnsembleConfig weighted;
  weighted.method = "weighted";
  const auto out = blend(two_lists(), weighted, 10, kByIndex);
  // knn normalised: 10 -> 1, 11 -> 0.5, 12 -> 0; collab: 12 -> 1, 13 -> 0.5, 10 -> 0. Weights 1/4 and 3/4.
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].item, 12);
  EXPECT_DOUBLE_EQ(out[0].score, 0.75);
  EXPECT_EQ(out[1].item, 13);
  EXPECT_NEAR(out[1].score, 0.375, 1e-6);  // (0.5 - 0.1) / 0.8 in float
  EXPECT_EQ(out[2].item, 10);
  EXPECT_DOUBLE_EQ(out[2].score, 0.25);
  EXPECT_DOUBLE_EQ(out[2].contributions.at("knn"), 0.25);
  EXPECT_DOUBLE_EQ(out[2].contributions.at("collab"), 0.0);
  EXPECT_EQ(out[3].item, 11);
  EXPECT_EQ(out[3].contributions.count("collab"), 0u);
}

TEST(BlendTest, ReciprocalRankFusionAndTiesByTheGivenOrder) {
  config::EnsembleConfig rrf;
  rrf.method = "rrf";
  rrf.rrf_k = 60;
  std::vector<ModelList> lists = {{.model = "knn", .weight = 1.0, .items = {{7, 9.0f}, {5, 1.0f}}},
                                  {.model = "embedding", .weight = 1.0, .items = {{5, 0.3f}, {7, 0.2f}}}};
  // 7 and 5 both score 1/61 + 1/62: the tie goes to the order given, here descending index.
  const auto out = blend(lists, rrf, 2, [](ItemIndex a, ItemIndex b) { return a > b; });
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].item, 7);
  EXPECT_EQ(out[1].item, 5);
  EXPECT_DOUBLE_EQ(out[0].score, 1.0 / 61 + 1.0 / 62);
  EXPECT_DOUBLE_EQ(out[1].contributions.at("embedding"), 1.0 / 61);
  EXPECT_EQ(blend(lists, rrf, 1, kByIndex).front().item, 5);
}

TEST(BlendTest, EmptyListsAndZeroWeightsAddNothing) {
  config::EnsembleConfig weighted;
  auto lists = two_lists();
  lists[1].weight = 0;
  lists.push_back({.model = "embedding", .weight = 1.0, .items = {}});
  const auto out = blend(lists, weighted, 2, kByIndex);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].item, 10);
  EXPECT_EQ(out[0].contributions.size(), 1u);
  EXPECT_TRUE(blend({}, weighted, 5, kByIndex).empty());
}

}  // namespace
}  // namespace mxn::engine

// blend(): weighted min-max averaging and reciprocal-rank fusion of model lists, with each model's part.

#include "engine/ensemble.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>

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

// Long lists of random item indices that overlap in part (so that items meet in blend's hash table): every
// item's score and parts are the sum over the lists that hold it (rrf, so the parts are exact to compare).
TEST(BlendTest, ManyOverlappingListsSumEachItemsParts) {
  config::EnsembleConfig rrf;
  rrf.method = "rrf";
  rrf.rrf_k = 60;
  std::mt19937 rng(3);
  std::vector<ItemIndex> pool;
  while (pool.size() < 400) {
    const auto item = static_cast<ItemIndex>(rng() % (1u << 30));
    if (std::find(pool.begin(), pool.end(), item) == pool.end()) pool.push_back(item);
  }
  std::vector<ModelList> lists;
  for (const std::string model : {"knn", "collab", "embedding"}) {
    ModelList list{.model = model, .weight = 1.0 + static_cast<double>(lists.size())};
    std::shuffle(pool.begin(), pool.end(), rng);
    for (std::size_t r = 0; r < 200; ++r) list.items.push_back({pool[r], 1.0f - static_cast<float>(r) / 1000});
    lists.push_back(std::move(list));
  }
  std::map<ItemIndex, std::map<std::string, double>> expected;
  for (const auto& list : lists) {
    for (std::size_t r = 0; r < list.items.size(); ++r) {
      expected[list.items[r].item][list.model] += list.weight / (60.0 + static_cast<double>(r + 1));
    }
  }
  const auto out = blend(lists, rrf, 1000, kByIndex);
  ASSERT_EQ(out.size(), expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto& parts = expected.at(out[i].item);
    EXPECT_EQ(out[i].contributions, parts) << out[i].item;
    double sum = 0;
    for (const auto& [model, value] : parts) sum += value;
    EXPECT_NEAR(out[i].score, sum, 1e-12);
    if (i > 0) {
      EXPECT_GE(out[i - 1].score, out[i].score);
    }
  }
}

}  // namespace
}  // namespace mxn::engine

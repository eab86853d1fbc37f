#include "automation/similarity_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace mxn::automation {
namespace {

TEST(SimilarityOrderTest, StartsWithTheFirstAndAlwaysStepsToTheNearestRemaining) {
  // Points on a line: similarity = -distance. The greedy walk from 0 must visit the nearest unvisited point.
  const std::vector<double> x = {5.0, 0.0, 9.0, 4.0, 6.5, 1.0, 8.0};
  auto similarity = [&](std::size_t a, std::size_t b) { return -std::abs(x[a] - x[b]); };
  const auto order = order_by_similarity(x.size(), similarity);
  ASSERT_EQ(order.size(), x.size());
  EXPECT_EQ(order.front(), 0u);
  for (std::size_t i = 1; i < order.size(); ++i) {
    for (std::size_t j = i + 1; j < order.size(); ++j) {
      EXPECT_GE(similarity(order[i - 1], order[i]), similarity(order[i - 1], order[j])) << "at " << i;
    }
  }
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 3, 4, 6, 2, 5, 1}));
}

TEST(SimilarityOrderTest, IsAPermutationAndTiesGoToTheBetterRanked) {
  std::mt19937 rng(7);
  std::vector<std::vector<double>> s(12, std::vector<double>(12));
  for (auto& row : s) {
    for (auto& v : row) v = static_cast<double>(rng() % 3);  // many ties
  }
  const auto order = order_by_similarity(12, [&](std::size_t a, std::size_t b) { return s[a][b]; });
  auto sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], i);
  for (std::size_t i = 1; i < order.size(); ++i) {
    for (std::size_t j = i + 1; j < order.size(); ++j) {
      const double here = s[order[i - 1]][order[i]], there = s[order[i - 1]][order[j]];
      EXPECT_TRUE(here > there || (here == there && order[i] < order[j])) << "at " << i;
    }
  }
}

TEST(SimilarityOrderTest, EmptyAndSingle) {
  auto none = [](std::size_t, std::size_t) { return 0.0; };
  EXPECT_TRUE(order_by_similarity(0, none).empty());
  EXPECT_EQ(order_by_similarity(1, none), std::vector<std::size_t>{0});
}

}  // namespace
}  // namespace mxn::automation

#include "automation/mmr.h"

#include <gtest/gtest.h>

#include <vector>

namespace mxn::automation {
namespace {

// Candidates 0..3 are near copies of each other (similarity 1), 4 and 5 stand apart.
double clustered(std::size_t a, std::size_t b) {
  if (a == b) return 1.0;
  return (a < 4 && b < 4) ? 1.0 : 0.0;
}

TEST(MmrTest, LambdaOneIsRelevanceOrder) {
  const std::vector<double> relevance = {1.0, 0.9, 0.8, 0.7, 0.6, 0.5};
  EXPECT_EQ(mmr_select(relevance, 4, 1.0, clustered), (std::vector<std::size_t>{0, 1, 2, 3}));
}

TEST(MmrTest, LowerLambdaTradesRelevanceForDiversity) {
  const std::vector<double> relevance = {1.0, 0.9, 0.8, 0.7, 0.6, 0.5};
  EXPECT_EQ(mmr_select(relevance, 3, 0.5, clustered), (std::vector<std::size_t>{0, 4, 5}));
  // Pure diversity: after the best, the ones least like anything picked, relevance breaking no ties.
  EXPECT_EQ(mmr_select(relevance, 3, 0.0, clustered), (std::vector<std::size_t>{0, 4, 5}));
}

TEST(MmrTest, TakesAtMostTheCandidatesThereAre) {
  const std::vector<double> relevance = {0.2, 0.4};
  auto picked = mmr_select(relevance, 10, 0.7, clustered);
  EXPECT_EQ(picked, (std::vector<std::size_t>{1, 0}));
  EXPECT_TRUE(mmr_select(std::vector<double>{}, 3, 0.7, clustered).empty());
}

}  // namespace
}  // namespace mxn::automation

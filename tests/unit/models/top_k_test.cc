#include "models/top_k.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mxn::models {
namespace {

TEST(TopKTest, BestFirstWithTiesByLowerIndex) {
  const std::vector<float> scores{0.5f, 2.0f, 1.0f, 2.0f, -1.0f, 1.0f};
  const auto top = top_k(scores, 4, {});
  const std::vector<ScoredItem> expected{{1, 2.0f}, {3, 2.0f}, {2, 1.0f}, {5, 1.0f}};
  EXPECT_EQ(top, expected);
}

TEST(TopKTest, SkipsExcludedAndNaN) {
  const std::vector<float> scores{3.0f, std::nanf(""), 2.0f, 1.0f, 0.0f};
  ItemFilter filter({0});
  filter.with_predicate([](ItemIndex i) { return i == 3; });
  const auto top = top_k(scores, 10, filter);
  const std::vector<ScoredItem> expected{{2, 2.0f}, {4, 0.0f}};
  EXPECT_EQ(top, expected);
  EXPECT_TRUE(top_k(scores, 0, {}).empty());
}

TEST(TopKTest, OverCandidatesOnly) {
  const std::vector<float> scores{9.0f, 1.0f, 5.0f, 3.0f};
  const std::vector<ItemIndex> candidates{1, 3, 2};
  const auto top = top_k_of(candidates, scores, 2, {}, 2);
  const std::vector<ScoredItem> expected{{3, 3.0f}, {1, 1.0f}};
  EXPECT_EQ(top, expected);
}

TEST(ItemFilterTest, ExcludesSortedItemsAndPredicate) {
  ItemFilter filter({7, 3, 3, 1});
  EXPECT_EQ(filter.items().size(), 3u);
  EXPECT_TRUE(filter.excludes(3));
  EXPECT_FALSE(filter.excludes(2));
  EXPECT_FALSE(filter.has_predicate());
  filter.with_predicate([](ItemIndex i) { return i > 100; });
  EXPECT_TRUE(filter.excludes(101));
  EXPECT_FALSE(ItemFilter().excludes(0));
}

}  // namespace
}  // namespace mxn::models

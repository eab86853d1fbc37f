#include "models/top_k.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>

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

// Against a full sort, over score orders that stress the selection (random, ascending, many ties, NaN,
// infinities and zeros of both signs),
// with and without listed exclusions and a predicate, for k from 1 to more than the items.
TEST(TopKTest, MatchesAFullSort) {
  std::mt19937 rng(5);
  for (int order = 0; order < 5; ++order) {
    std::vector<float> scores(5003);
    for (std::size_t i = 0; i < scores.size(); ++i) {
      switch (order) {
        case 0: scores[i] = std::uniform_real_distribution<float>(-1, 1)(rng); break;
        case 1: scores[i] = static_cast<float>(i) * 0.001f; break;
        case 2: scores[i] = static_cast<float>(rng() % 7); break;
        case 3: scores[i] = rng() % 10 == 0 ? std::nanf("") : std::uniform_real_distribution<float>(0, 1)(rng); break;
        default: {
          constexpr float kInf = std::numeric_limits<float>::infinity();
          const float values[] = {-kInf, -1.0f, -0.0f, 0.0f, 1.0f, kInf};
          scores[i] = values[rng() % 6];
        }
      }
    }
    std::vector<ItemIndex> listed;
    for (int e = 0; e < 40; ++e) listed.push_back(static_cast<ItemIndex>(rng() % scores.size()));
    for (const bool with_predicate : {false, true}) {
      ItemFilter filter(listed);
      if (with_predicate) filter.with_predicate([](ItemIndex i) { return i % 3 == 0; });
      std::vector<ScoredItem> all;
      for (std::size_t i = 0; i < scores.size(); ++i) {
        const auto item = static_cast<ItemIndex>(i);
        if (!std::isnan(scores[i]) && !filter.excludes(item)) all.push_back({item, scores[i]});
      }
      std::sort(all.begin(), all.end(), ranks_before);
      for (const std::size_t k : {1, 10, 50, 500, 6000}) {
        auto expected = all;
        expected.resize(std::min(k, all.size()));
        EXPECT_EQ(top_k(scores, k, filter), expected) << "order " << order << " k " << k << " predicate " << with_predicate;
        std::vector<ItemIndex> candidates(scores.size());
        for (std::size_t i = 0; i < candidates.size(); ++i) candidates[i] = static_cast<ItemIndex>(candidates.size() - 1 - i);
        EXPECT_EQ(top_k_of(candidates, scores, k, filter), expected) << "order " << order << " k " << k;
      }
    }
  }
}

TEST(TopKTest, KthLargestMatchesASort) {
  std::mt19937 rng(6);
  constexpr float kInf = std::numeric_limits<float>::infinity();
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<float> values(1 + rng() % 700);
    for (float& v : values) {
      switch (trial % 4) {
        case 0: v = std::uniform_real_distribution<float>(-1, 1)(rng); break;
        case 1: v = static_cast<float>(rng() % 5); break;  // many ties
        case 2: v = 1.0f + static_cast<float>(rng() % 3) * 1e-7f; break;  // differ in the lowest bits only
        default: {
          const float specials[] = {-kInf, -2.5f, -0.0f, 0.0f, 1e-30f, 7.0f, kInf, std::nanf("")};
          v = specials[rng() % 8];
        }
      }
    }
    std::vector<float> sorted;
    for (float v : values) {
      if (!std::isnan(v)) sorted.push_back(v);
    }
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    for (std::size_t r : {std::size_t{1}, std::size_t{2}, values.size() / 2 + 1, values.size()}) {
      const float expected = r <= sorted.size() ? sorted[r - 1] : -kInf;
      EXPECT_EQ(kth_largest(values, r), expected) << "trial " << trial << " r " << r;
    }
  }
  EXPECT_EQ(kth_largest(std::vector<float>{3, 3, 1}, 2), 3.0f);
  EXPECT_EQ(kth_largest(std::vector<float>{std::nanf(""), 2}, 2), -kInf);
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

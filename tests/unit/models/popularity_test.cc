#include "models/popularity.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace mxn::models {
namespace {

constexpr std::int64_t kDay = 86'400'000'000;

TEST(PopularityTest, CountsDecayByHalfLife) {
  // Item 0: two positive users now; item 1: four users 10 days ago (half-life 10 days -> 2);
  // item 2: one user now with a negative weight (ignored); item 3: one user 20 days ago (0.25).
  const std::int64_t now = 100 * kDay;
  std::vector<data::Triplet> t = {
      {0, 0, 1.0f, now, false},
      {1, 0, 3.0f, now, false},
      {0, 1, 1.0f, now - 10 * kDay, false},
      {1, 1, 1.0f, now - 10 * kDay, false},
      {2, 1, 1.0f, now - 10 * kDay, false},
      {3, 1, 1.0f, now - 10 * kDay, false},
      {2, 2, -4.0f, now, false},
      {3, 3, 2.0f, now - 20 * kDay, false},
  };
  PopularityParams p;
  p.half_life_days = 10;
  Popularity pop(p);
  pop.fit(data::InteractionMatrix::from_triplets(t, 4, 5), {});
  EXPECT_EQ(pop.now_us(), now);
  EXPECT_NEAR(pop.scores()[0], 2.0, 1e-6);
  EXPECT_NEAR(pop.scores()[1], 2.0, 1e-6);
  EXPECT_NEAR(pop.scores()[2], 0.0, 1e-6);
  EXPECT_NEAR(pop.scores()[3], 0.25, 1e-6);
  const auto recs = pop.recommend({}, 10, {});
  ASSERT_EQ(recs.size(), 5u);  // the whole catalog, zero scores last
  EXPECT_EQ(recs[0].item, 0);  // tie with item 1: lower index first
  EXPECT_EQ(recs[1].item, 1);
  EXPECT_EQ(recs[2].item, 3);
  const auto filtered = pop.recommend({}, 2, ItemFilter({0}));
  ASSERT_EQ(filtered.size(), 2u);
  EXPECT_EQ(filtered[0].item, 1);
  EXPECT_EQ(filtered[1].item, 3);
}

TEST(PopularityTest, WithoutTimestampsItIsAPlainCount) {
  std::vector<data::Triplet> t = {{0, 1, 1.0f, 0, false}, {1, 1, 1.0f, 0, false}, {2, 0, 1.0f, 0, false}};
  Popularity pop;
  pop.fit(data::InteractionMatrix::from_triplets(t, 3, 2), {});
  EXPECT_FLOAT_EQ(pop.scores()[0], 1.0f);
  EXPECT_FLOAT_EQ(pop.scores()[1], 2.0f);
}

TEST(PopularityTest, InvalidHalfLifeIsNamed) {
  PopularityParams p;
  p.half_life_days = -3;
  try {
    Popularity pop(p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "popularity.half_life_days");
  }
}

}  // namespace
}  // namespace mxn::models

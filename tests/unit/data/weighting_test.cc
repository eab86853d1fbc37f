#include "data/weighting.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace mxn::data {
namespace {

TEST(WeightingTest, TransformsTheMagnitudeAndKeepsTheSign) {
  EXPECT_EQ(weigh(Weighting::kRaw, 12.0f), 12.0f);
  EXPECT_FLOAT_EQ(weigh(Weighting::kLog1p, 12.0f), std::log1p(12.0f));
  EXPECT_FLOAT_EQ(weigh(Weighting::kLog1p, -3.0f), -std::log1p(3.0f)) << "a dislike stays a dislike";
  EXPECT_FLOAT_EQ(weigh(Weighting::kBm25, 1.0f), 1.0f) << "one event counts one";
  EXPECT_FLOAT_EQ(weigh(Weighting::kBm25, 100.0f), 100.0f * 2.2f / 101.2f);
  EXPECT_LT(weigh(Weighting::kBm25, 1000.0f), 2.2f) << "saturates below k1 + 1";
  EXPECT_EQ(weigh(Weighting::kLog1p, 0.0f), 0.0f);
}

TEST(WeightingTest, WeighsEveryEntryOfAMatrix) {
  const auto m = InteractionMatrix::from_triplets(
      {{.user = 0, .item = 1, .weight = 12}, {.user = 1, .item = 0, .weight = -4}}, 2, 2);
  const auto w = weighed(m, Weighting::kLog1p);
  EXPECT_EQ(w.nnz(), 2u);
  EXPECT_FLOAT_EQ(w.row(0).weights[0], std::log1p(12.0f));
  EXPECT_FLOAT_EQ(w.column(0).weights[0], -std::log1p(4.0f));
  EXPECT_EQ(weighed(m, Weighting::kRaw).row(0).weights[0], 12.0f);
}

TEST(WeightingTest, UnknownNamesAreRefusedNamingTheField) {
  EXPECT_EQ(parse_weighting("bm25"), Weighting::kBm25);
  try {
    parse_weighting("sqrt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "weighting");
  }
}

}  // namespace
}  // namespace mxn::data

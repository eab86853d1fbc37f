#include "models/quantized_factors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "models/top_k.h"

namespace mxn::models {
namespace {

/// The reference: every item scored in float, the k best by a full selection.
std::vector<ScoredItem> exact_top_k(const FactorMatrix& items, const std::vector<float>& user,
                                    const std::vector<float>& bias, std::size_t k, const ItemFilter& exclude) {
  Eigen::Map<const Eigen::VectorXf> u(user.data(), static_cast<Eigen::Index>(user.size()));
  std::vector<float> scores(static_cast<std::size_t>(items.rows()));
  for (Eigen::Index i = 0; i < items.rows(); ++i) {
    scores[static_cast<std::size_t>(i)] = items.row(i).dot(u) + (bias.empty() ? 0.0f : bias[static_cast<std::size_t>(i)]);
  }
  return top_k(scores, k, exclude);
}

FactorMatrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng, float sd) {
  std::normal_distribution<float> normal(0.0f, sd);
  FactorMatrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
  return m;
}

std::vector<float> random_vector(std::size_t n, std::mt19937& rng, float sd) {
  std::normal_distribution<float> normal(0.0f, sd);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

// Shapes that are and are not whole panels (16 items) and whole groups (4 factors), with and without a
// bias, listed exclusions and a predicate, and k from 1 to more than the items.
TEST(QuantizedFactorsTest, TopKIsExactlyTheFloatTopK) {
  std::mt19937 rng(11);
  const std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes{{1000, 64}, {37, 10}, {16, 4}, {5, 3}, {300, 1}};
  for (const auto& [rows, cols] : shapes) {
    const FactorMatrix items = random_matrix(rows, cols, rng, 0.3f);
    const QuantizedFactors quantized(items);
    for (int trial = 0; trial < 12; ++trial) {
      const auto user = random_vector(static_cast<std::size_t>(cols), rng, 1.0f);
      const auto bias = trial % 2 ? random_vector(static_cast<std::size_t>(rows), rng, 0.5f) : std::vector<float>{};
      ItemFilter exclude(std::vector<ItemIndex>{0, static_cast<ItemIndex>(rows / 2), static_cast<ItemIndex>(rows - 1)});
      if (trial % 3 == 0) exclude.with_predicate([](ItemIndex i) { return i % 7 == 3; });
      for (std::size_t k : {std::size_t{1}, std::size_t{10}, std::size_t{50}, static_cast<std::size_t>(rows) + 5}) {
        SCOPED_TRACE(::testing::Message() << rows << "x" << cols << " trial " << trial << " k " << k);
        EXPECT_EQ(quantized.top_k(items, user, bias, k, exclude), exact_top_k(items, user, bias, k, exclude));
      }
    }
  }
}

// Items whose scores differ by far less than the 8-bit resolution, and exact duplicates: the first pass
// cannot tell them apart, the result must still be the exact order with ties by lower index.
TEST(QuantizedFactorsTest, NearTiesAreOrderedByTheirExactScores) {
  std::mt19937 rng(12);
  const Eigen::Index rows = 400, cols = 64;
  const FactorMatrix base = random_matrix(1, cols, rng, 0.3f);
  FactorMatrix items = random_matrix(rows, cols, rng, 1e-5f);
  for (Eigen::Index i = 0; i < rows; ++i) items.row(i) += base.row(0);
  items.row(3) = base.row(0) * 1.001f;  // a little longer than the rest: with the user along it, first
  items.row(7) = items.row(3);
  items.row(200) = items.row(3);
  const QuantizedFactors quantized(items);
  for (int trial = 0; trial < 20; ++trial) {
    auto user = random_vector(static_cast<std::size_t>(cols), rng, 1.0f);
    if (trial == 0) {  // the duplicates are the best three
      Eigen::Map<Eigen::VectorXf>(user.data(), cols) = base.row(0).transpose();
    }
    SCOPED_TRACE(trial);
    const auto expected = exact_top_k(items, user, {}, 25, {});
    EXPECT_EQ(quantized.top_k(items, user, {}, 25, {}), expected);
    if (trial == 0) {
      ASSERT_GE(expected.size(), 3u);
      EXPECT_EQ(expected[0].item, 3);
      EXPECT_EQ(expected[1].item, 7);
      EXPECT_EQ(expected[2].item, 200);
    }
  }
}

// The worst case of the bound: item 0 rounds down in every factor, item 1 up, so the first pass ranks 1
// above 0 by 0.06 while in float 0 is ahead. Both have scale 0.01 (the 1.27 factor) and the user's
// values are exact, so the errors are 7 × ±0.0049 = ±0.0343 against a bound of 0.0478.
TEST(QuantizedFactorsTest, AnItemThatRoundedDownInEveryFactorIsStillFound) {
  FactorMatrix items(3, 8);
  items.row(0) << 1.27f, 0.1049f, 0.1049f, 0.1049f, 0.1049f, 0.1049f, 0.1049f, 0.1049f;  // q = 127, 10, 10, ...
  items.row(1) << 1.27f, 0.0951f, 0.0951f, 0.0951f, 0.0951f, 0.0951f, 0.0951f, 0.1551f;  // q = 127, 10, ..., 16
  items.row(2) << 1.27f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f;
  const QuantizedFactors quantized(items);
  const std::vector<float> user(8, 1.0f);
  const auto top = quantized.top_k(items, user, {}, 1, {});
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].item, 0);
  EXPECT_EQ(top, exact_top_k(items, user, {}, 1, {}));
}

// Rows of very different lengths (each row has its own scale), zero rows, and a zero user vector.
TEST(QuantizedFactorsTest, RowsOfEveryScaleAndZeroVectors) {
  std::mt19937 rng(13);
  const Eigen::Index rows = 500, cols = 32;
  FactorMatrix items = random_matrix(rows, cols, rng, 1.0f);
  for (Eigen::Index i = 0; i < rows; ++i) items.row(i) *= std::pow(10.0f, static_cast<float>(i % 9) - 4.0f);
  items.row(5).setZero();
  items.row(6).setZero();
  const QuantizedFactors quantized(items);
  for (int trial = 0; trial < 10; ++trial) {
    const auto user = random_vector(static_cast<std::size_t>(cols), rng, trial % 2 ? 1e-3f : 1e3f);
    EXPECT_EQ(quantized.top_k(items, user, {}, 30, {}), exact_top_k(items, user, {}, 30, {}));
  }
  const std::vector<float> zero(static_cast<std::size_t>(cols), 0.0f);
  const auto bias = random_vector(static_cast<std::size_t>(rows), rng, 1.0f);
  EXPECT_EQ(quantized.top_k(items, zero, bias, 10, {}), exact_top_k(items, zero, bias, 10, {}));
  const auto all_zero = quantized.top_k(items, zero, {}, 3, {});
  const std::vector<ScoredItem> first_three{{0, 0.0f}, {1, 0.0f}, {2, 0.0f}};
  EXPECT_EQ(all_zero, first_three);
}

// What the bound cannot cover is scored in float, so the result is still the float top k: rows and biases
// that are not finite (a row with an infinity scores ±inf, one with NaN is skipped), user vectors that are
// not finite, overflow ‖u‖₁ or are so small that t·s falls below the normal floats.
TEST(QuantizedFactorsTest, ValuesTheBoundCannotCoverAreScoredInFloat) {
  std::mt19937 rng(14);
  constexpr float kInf = std::numeric_limits<float>::infinity();
  FactorMatrix items = random_matrix(50, 8, rng, 1.0f);
  items(4, 2) = std::numeric_limits<float>::quiet_NaN();
  items(9, 0) = kInf;
  items.row(11) *= 1e-30f;
  const QuantizedFactors quantized(items);
  auto bias = random_vector(50, rng, 1.0f);
  bias[20] = -kInf;
  bias[21] = kInf;
  std::vector<std::vector<float>> users;
  for (const float scale : {1.0f, 1e30f, 1e-38f, 1e-44f}) users.push_back(random_vector(8, rng, scale));
  users.push_back(std::vector<float>(8, 3e38f));  // finite, but ‖u‖₁ overflows
  users.push_back(random_vector(8, rng, 1.0f));
  users.back()[3] = std::numeric_limits<float>::quiet_NaN();
  users.push_back(random_vector(8, rng, 1.0f));
  users.back()[5] = -kInf;
  for (std::size_t trial = 0; trial < users.size(); ++trial) {
    for (const auto& b : {std::vector<float>{}, bias}) {
      for (std::size_t k : {std::size_t{3}, std::size_t{50}}) {
        SCOPED_TRACE(::testing::Message() << "user " << trial << " bias " << b.size() << " k " << k);
        EXPECT_EQ(quantized.top_k(items, users[trial], b, k, {}), exact_top_k(items, users[trial], b, k, {}));
      }
    }
  }
  const auto top = quantized.top_k(items, users[0], {}, 50, {});
  EXPECT_EQ(top.size(), 49u);  // all but the NaN row
  EXPECT_TRUE(quantized.top_k(items, users[0], {}, 0, {}).empty());
}

// The user's rounding is the error that matters here: item 0's factors are all of user factors that round
// down (10.49 steps of t = 0.01 → 10), item 1's of ones that round up (10.51 → 11), so the first pass ranks
// 1 above 0 while in float 0 is ahead. Without the bound's t/2 · ‖s·q‖₁ term item 0 would not be rescored.
TEST(QuantizedFactorsTest, AnItemThatTheUsersRoundingUnderratesIsStillFound) {
  FactorMatrix items = FactorMatrix::Zero(3, 15);
  for (int f = 1; f <= 7; ++f) items(0, f) = 1.0f;
  for (int f = 8; f <= 14; ++f) items(1, f) = 0.97f;
  items(2, 0) = 1.0f;
  std::vector<float> user(15);
  user[0] = 1.27f;  // sets t = 0.01
  for (int f = 1; f <= 7; ++f) user[static_cast<std::size_t>(f)] = 0.1049f;
  for (int f = 8; f <= 14; ++f) user[static_cast<std::size_t>(f)] = 0.1051f;
  const QuantizedFactors quantized(items);
  const auto top = quantized.top_k(items, user, {}, 2, {});
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].item, 2);  // 1.27
  EXPECT_EQ(top[1].item, 0);  // 0.7343 against item 1's 0.7136
  EXPECT_EQ(top, exact_top_k(items, user, {}, 2, {}));
}

TEST(QuantizedFactorsTest, ThePortablePanelProductAgreesWithTheVectorOne) {
  std::mt19937 rng(16);
  for (std::size_t groups : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{16}}) {
    std::vector<std::uint8_t> user(groups * detail::kGroup);
    std::vector<std::int8_t> panel(groups * detail::kGroup * detail::kPanel);
    for (auto& b : user) b = static_cast<std::uint8_t>(rng());
    for (auto& b : panel) b = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
    std::int32_t vector_acc[detail::kPanel], portable_acc[detail::kPanel], expected[detail::kPanel] = {};
    detail::panel_dot(user.data(), panel.data(), groups, vector_acc);
    detail::panel_dot(user.data(), panel.data(), groups, portable_acc, true);
    for (std::size_t l = 0; l < detail::kPanel; ++l) {
      for (std::size_t f = 0; f < user.size(); ++f) {
        expected[l] += user[f] * panel[f / detail::kGroup * detail::kGroup * detail::kPanel + l * detail::kGroup +
                                       f % detail::kGroup];
      }
      EXPECT_EQ(vector_acc[l], expected[l]) << "groups " << groups << " item " << l;
      EXPECT_EQ(portable_acc[l], expected[l]) << "groups " << groups << " item " << l;
    }
  }
}

TEST(QuantizedFactorsTest, RefusesAnotherMatrix) {
  std::mt19937 rng(15);
  const QuantizedFactors quantized(random_matrix(20, 8, rng, 1.0f));
  EXPECT_ANY_THROW(quantized.top_k(random_matrix(21, 8, rng, 1.0f), random_vector(8, rng, 1.0f), {}, 5, {}));
  EXPECT_ANY_THROW(quantized.top_k(random_matrix(20, 8, rng, 1.0f), random_vector(7, rng, 1.0f), {}, 5, {}));
}

}  // namespace
}  // namespace mxn::models

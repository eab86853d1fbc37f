#include "models/bpr.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "planted.h"

namespace mxn::models {
namespace {

/// Share of (positive, non-positive) item pairs per user that the trained factors order correctly.
double training_auc(const Bpr& bpr, const data::InteractionMatrix& m) {
  double correct = 0, pairs = 0;
  const auto& items = bpr.item_factors();
  const auto& bias = bpr.item_bias();
  for (UserIndex u = 0; u < m.n_users(); ++u) {
    const Eigen::VectorXf scores = items * bpr.user_factors().row(u).transpose();
    const auto row = m.row(u);
    std::vector<bool> positive(static_cast<std::size_t>(m.n_items()), false);
    for (std::size_t k = 0; k < row.size(); ++k)
      positive[static_cast<std::size_t>(row.items[k])] = row.weights[k] > 0;
    for (ItemIndex i = 0; i < m.n_items(); ++i) {
      if (!positive[static_cast<std::size_t>(i)]) continue;
      for (ItemIndex j = 0; j < m.n_items(); ++j) {
        if (positive[static_cast<std::size_t>(j)]) continue;
        pairs += 1;
        correct +=
            scores[i] + bias[static_cast<std::size_t>(i)] > scores[j] + bias[static_cast<std::size_t>(j)] ? 1
                                                                                                          : 0;
      }
    }
  }
  return correct / pairs;
}

BprParams params(int threads_epochs = 60) {
  BprParams p;
  p.factors = 16;
  p.epochs = threads_epochs;
  p.learning_rate = 0.05;
  p.regularization = 0.01;
  return p;
}

TEST(BprTest, TrainingAucIsHighOnPlantedData) {
  const auto data = testing::planted(8, 12, 20, false);
  for (int threads : {1, 2}) {
    Bpr bpr(params());
    FitOptions o;
    o.threads = threads;
    bpr.fit(data.matrix, o);
    EXPECT_GT(training_auc(bpr, data.matrix), 0.9) << threads << " threads";
    EXPECT_LT(bpr.loss_history().back(), bpr.loss_history().front()) << threads << " threads";
  }
}

TEST(BprTest, OneThreadIsBitForBitRepeatable) {
  const auto data = testing::planted(4, 10, 10, false);
  FitOptions o;
  o.threads = 1;
  Bpr a(params(10)), b(params(10));
  a.fit(data.matrix, o);
  b.fit(data.matrix, o);
  EXPECT_EQ(a.item_factors(), b.item_factors());
  EXPECT_EQ(a.user_factors(), b.user_factors());
  EXPECT_EQ(a.item_bias(), b.item_bias());
  BprParams other = params(10);
  other.seed = 43;
  Bpr c(other);
  c.fit(data.matrix, o);
  EXPECT_NE(a.item_factors(), c.item_factors());
}

TEST(BprTest, FoldInIsDeterministicAndIgnoresNegatives) {
  const auto data = testing::planted(4, 10, 10, false);
  Bpr bpr(params(40));
  bpr.fit(data.matrix, {});
  const auto row = data.matrix.row(2);
  EXPECT_EQ(bpr.fold_in(row), bpr.fold_in(row));
  const std::vector<ItemIndex> items{1, 2};
  const std::vector<float> weights{-1.0f, -4.0f};
  EXPECT_TRUE(bpr.fold_in({items, weights}).isZero(0));
  EXPECT_TRUE(bpr.recommend({items, weights}, 5, {}).empty());
}

TEST(BprTest, InvalidParamsNameTheField) {
  BprParams p;
  p.learning_rate = -1;
  p.epochs = 0;
  try {
    Bpr bpr(p, "collab.bpr");
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].field, "collab.bpr.learning_rate");
    EXPECT_EQ(e.problems()[1].field, "collab.bpr.epochs");
  }
}

}  // namespace
}  // namespace mxn::models

// Ease: the fitted B against a dense double-precision reference (G = XᵀX + λI over the items with
// interactions, P = G⁻¹, B_ij = −P_ij / P_jj, B_ii = 0), scoring as x·B, similar items as rows of B, the
// max_items refusal, and save→load.

// GCC 12 reports a false -Wmaybe-uninitialized inside its AVX-512 intrinsics when Eigen's double
// reductions are inlined (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "planted.h"
#include "models/ease.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "models/model_reader.h"
#include "models/model_writer.h"

namespace mxn::models {
namespace {

constexpr double kLambda = 1.5;

/// The reference model: the active items (ascending) and B over them (active x active).
struct Reference {
  std::vector<ItemIndex> active;
  Eigen::MatrixXd b;
  /// Active index of `item`, or -1.
  Eigen::Index index_of(ItemIndex item) const {
    const auto it = std::find(active.begin(), active.end(), item);
    return it == active.end() ? -1 : static_cast<Eigen::Index>(it - active.begin());
  }
};

Reference reference(const data::InteractionMatrix& m, double lambda) {
  Reference r;
  for (ItemIndex i = 0; i < m.n_items(); ++i) {
    if (!m.column(i).empty()) r.active.push_back(i);
  }
  const Eigen::MatrixXd full = testing::dense(m);
  const auto n = static_cast<Eigen::Index>(r.active.size());
  Eigen::MatrixXd x(full.rows(), n);
  for (Eigen::Index a = 0; a < n; ++a) x.col(a) = full.col(r.active[static_cast<std::size_t>(a)]);
  const Eigen::MatrixXd g = x.transpose() * x + lambda * Eigen::MatrixXd::Identity(n, n);
  const Eigen::MatrixXd p = g.inverse();
  r.b.resize(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) r.b(i, j) = i == j ? 0.0 : -p(i, j) / p(j, j);
  }
  return r;
}

/// Expected x·B for a live row: one score per active item (items >= n_items and inactive items ignored).
std::vector<ScoredItem> expected_scores(const Reference& r, const data::SparseRow& row) {
  Eigen::VectorXd acc = Eigen::VectorXd::Zero(r.b.cols());
  for (std::size_t e = 0; e < row.size(); ++e) {
    const auto a = r.index_of(row.items[e]);
    if (a >= 0) acc += static_cast<double>(row.weights[e]) * r.b.row(a).transpose();
  }
  std::vector<ScoredItem> out;
  for (std::size_t a = 0; a < r.active.size(); ++a) {
    out.push_back({r.active[a], static_cast<float>(acc[static_cast<Eigen::Index>(a)])});
  }
  std::sort(out.begin(), out.end(), [](const ScoredItem& x, const ScoredItem& y) {
    return x.score > y.score || (x.score == y.score && x.item < y.item);
  });
  return out;
}

bool near(double actual, double expected) {
  return std::fabs(actual - expected) <= 1e-4 * std::fabs(expected) + 1e-6;
}

/// actual must be `expected` without the excluded items, cut at k: the same scores rank by rank, and the
/// same items wherever the expected score is not tied (within tolerance) with a neighbour's.
void expect_ranked_like(const std::vector<ScoredItem>& actual, std::vector<ScoredItem> expected,
                        const std::vector<ItemIndex>& excluded, std::size_t k, const std::string& what) {
  std::erase_if(expected, [&](const ScoredItem& s) {
    return std::find(excluded.begin(), excluded.end(), s.item) != excluded.end();
  });
  const auto all = expected;
  if (expected.size() > k) expected.resize(k);
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t q = 0; q < actual.size(); ++q) {
    EXPECT_TRUE(near(actual[q].score, expected[q].score))
        << what << " rank " << q << ": " << actual[q].score << " vs " << expected[q].score;
    const bool apart_before = q == 0 || !near(all[q - 1].score, all[q].score);
    const bool apart_after = q + 1 == all.size() || !near(all[q + 1].score, all[q].score);
    if (apart_before && apart_after) {
      EXPECT_EQ(actual[q].item, expected[q].item) << what << " rank " << q;
    }
    if (q > 0) {
      EXPECT_GE(actual[q - 1].score, actual[q].score) << what << " rank " << q;
    }
  }
}

class EaseTest : public ::testing::Test {
 protected:
  static constexpr ItemIndex kItems = 7;
  static constexpr ItemIndex kInactive = 3;  // no user has it

  EaseTest() : model_(params(kLambda, 100)) {
    // Non-binary weights (one negative: a dislike), repeated pairs summed; item 3 never appears.
    std::vector<data::Triplet> t = {
        {0, 0, 2.0f, 0, false}, {0, 1, 1.0f, 0, false},  {0, 4, 0.5f, 0, false}, {1, 0, 1.0f, 0, false},
        {1, 2, 3.0f, 0, false}, {1, 5, 1.5f, 0, false},  {2, 1, 4.0f, 0, false}, {2, 2, 1.0f, 0, false},
        {2, 6, 2.5f, 0, false}, {3, 0, 1.0f, 0, false},  {3, 1, 2.0f, 0, false}, {3, 2, 1.0f, 0, false},
        {3, 4, 3.0f, 0, false}, {4, 4, 1.0f, 0, false},  {4, 5, 2.0f, 0, false}, {4, 6, -1.0f, 0, false},
        {5, 0, 0.5f, 0, false}, {5, 5, 1.0f, 0, false},  {5, 5, 1.0f, 0, false}, {6, 1, 1.0f, 0, false},
        {6, 6, 2.0f, 0, false}, {6, 2, 0.25f, 0, false},
    };
    matrix_ = data::InteractionMatrix::from_triplets(std::move(t), 7, kItems);
    FitOptions o;
    o.threads = 2;
    model_.fit(matrix_, o);
  }

  static EaseParams params(double lambda, int max_items) {
    EaseParams p;
    p.lambda = lambda;
    p.max_items = max_items;
    return p;
  }

  data::InteractionMatrix matrix_;
  Ease model_;
};

TEST_F(EaseTest, WeightsEqualTheDenseReference) {
  ASSERT_TRUE(model_.is_fitted());
  EXPECT_EQ(model_.n_items(), kItems);
  EXPECT_EQ(model_.unfit_reason(), "");
  const Reference r = reference(matrix_, kLambda);
  EXPECT_EQ(model_.active_items(), (std::vector<ItemIndex>{0, 1, 2, 4, 5, 6}));
  ASSERT_EQ(model_.active_items(), r.active);
  const auto n = r.active.size();
  ASSERT_EQ(model_.weights().size(), n * n);
  double largest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double expected = r.b(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      largest = std::max(largest, std::fabs(expected));
      EXPECT_TRUE(near(model_.weights()[i * n + j], expected))
          << "B(" << r.active[i] << ", " << r.active[j] << ") = " << model_.weights()[i * n + j]
          << ", expected " << expected;
    }
    EXPECT_EQ(model_.weights()[i * n + i], 0.0f) << "diagonal " << r.active[i];
  }
  EXPECT_GT(largest, 0.05);  // the weights are not trivially small at this lambda
}

TEST_F(EaseTest, RecommendScoresTheRowTimesB) {
  const Reference r = reference(matrix_, kLambda);
  for (UserIndex u = 0; u < matrix_.n_users(); ++u) {
    const auto row = matrix_.row(u);
    const auto expected = expected_scores(r, row);
    expect_ranked_like(model_.recommend(row, kItems, {}), expected, {}, kItems, "user " + std::to_string(u));
    expect_ranked_like(model_.recommend(row, 3, {}), expected, {}, 3, "user " + std::to_string(u) + " k=3");
  }
}

TEST_F(EaseTest, RecommendNeverReturnsItemsWithoutInteractionsOrExcludedItems) {
  for (UserIndex u = 0; u < matrix_.n_users(); ++u) {
    const auto row = matrix_.row(u);
    const auto filter = ItemFilter::of_row(row);
    const auto got = model_.recommend(row, 100, filter);
    // Every active item not in the row is scored (scores may be negative); the inactive one never is.
    EXPECT_EQ(got.size(), model_.active_items().size() - row.size()) << "user " << u;
    for (const auto& s : got) {
      EXPECT_NE(s.item, kInactive) << "user " << u;
      EXPECT_FALSE(row.contains(s.item)) << "user " << u << " item " << s.item;
    }
    std::vector<ItemIndex> seen(row.items.begin(), row.items.end());
    expect_ranked_like(got, expected_scores(reference(matrix_, kLambda), row), seen, 100,
                       "user " + std::to_string(u) + " excluding seen");
  }
}

TEST_F(EaseTest, RecommendFoldsInALiveRowIgnoringInactiveAndNewerItems) {
  // A user unseen at training: an inactive item (3) and an item newer than the model (9) are ignored.
  const std::vector<ItemIndex> items = {1, kInactive, 5, 9};
  const std::vector<float> weights = {2.0f, 7.0f, -0.5f, 4.0f};
  const data::SparseRow row{items, weights};
  const auto got = model_.recommend(row, kItems, ItemFilter({0}));
  for (const auto& s : got) {
    EXPECT_NE(s.item, kInactive);
  }
  expect_ranked_like(got, expected_scores(reference(matrix_, kLambda), row), {0}, kItems, "live row");
}

TEST_F(EaseTest, RowWithOnlyUnknownItemsGetsNothing) {
  const std::vector<ItemIndex> items = {kInactive, 8};
  const std::vector<float> weights = {1.0f, 1.0f};
  EXPECT_TRUE(model_.recommend(data::SparseRow{items, weights}, 5, {}).empty());
  EXPECT_TRUE(model_.recommend(data::SparseRow{}, 5, {}).empty());
}

TEST_F(EaseTest, SimilarItemsRanksRowOfBNeverTheItemItself) {
  const Reference r = reference(matrix_, kLambda);
  for (ItemIndex item : r.active) {
    const auto a = r.index_of(item);
    std::vector<ScoredItem> row_of_b;
    for (std::size_t c = 0; c < r.active.size(); ++c) {
      row_of_b.push_back({r.active[c], static_cast<float>(r.b(a, static_cast<Eigen::Index>(c)))});
    }
    std::sort(row_of_b.begin(), row_of_b.end(), [](const ScoredItem& x, const ScoredItem& y) {
      return x.score > y.score || (x.score == y.score && x.item < y.item);
    });
    const auto got = model_.similar_items(item, 100);
    for (const auto& s : got) {
      EXPECT_NE(s.item, item);
      EXPECT_NE(s.item, kInactive);
    }
    expect_ranked_like(got, row_of_b, {item}, 100, "similar to " + std::to_string(item));
    expect_ranked_like(model_.similar_items(item, 2), row_of_b, {item}, 2,
                       "2 similar to " + std::to_string(item));
  }
}

TEST_F(EaseTest, ItemWithoutInteractionsHasNoSimilarItems) {
  EXPECT_TRUE(model_.similar_items(kInactive, 5).empty());
}

TEST_F(EaseTest, SimilarItemsOfAnUnknownItemIsNotFound) {
  for (ItemIndex item : {ItemIndex{-1}, kItems}) {
    try {
      model_.similar_items(item, 5);
      ADD_FAILURE() << "expected an Error for item " << item;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kNotFound);
    }
  }
}

TEST_F(EaseTest, MoreActiveItemsThanMaxItemsIsTooLargeAndAdvisesRp3beta) {
  Ease small(params(kLambda, 3));
  try {
    small.fit(matrix_, {});  // 6 items with interactions
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kTooLarge);
    EXPECT_EQ(e.field(), "max_items");
    EXPECT_THAT(e.what(), ::testing::HasSubstr("rp3beta"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("6 items"));
  }
  EXPECT_FALSE(small.is_fitted());
}

TEST_F(EaseTest, ItemsWithoutInteractionsDoNotCountTowardsMaxItems) {
  // 3 active items among 5: exactly max_items, so it fits.
  auto m = data::InteractionMatrix::from_triplets(
      {{0, 0, 1.0f, 0, false}, {0, 2, 1.0f, 0, false}, {1, 2, 2.0f, 0, false}, {1, 4, 1.0f, 0, false}}, 2, 5);
  Ease small(params(kLambda, 3));
  ASSERT_NO_THROW(small.fit(m, {}));
  EXPECT_TRUE(small.is_fitted());
  EXPECT_EQ(small.active_items(), (std::vector<ItemIndex>{0, 2, 4}));
}

TEST_F(EaseTest, SaveLoadGivesIdenticalScores) {
  std::stringstream buffer;
  {
    ModelWriter writer(buffer, 7);
    model_.save(writer);
    EXPECT_TRUE(writer.finished());
  }
  ModelReader reader(buffer, 7);
  EXPECT_EQ(reader.header().type_name, "ease");
  EXPECT_EQ(reader.header().params_text, model_.params_text());
  Ease loaded;
  loaded.load(reader);
  EXPECT_TRUE(loaded.is_fitted());
  EXPECT_EQ(loaded.params(), model_.params());
  EXPECT_EQ(loaded.n_items(), model_.n_items());
  EXPECT_EQ(loaded.active_items(), model_.active_items());
  EXPECT_EQ(loaded.weights(), model_.weights());
  for (UserIndex u = 0; u < matrix_.n_users(); ++u) {
    const auto row = matrix_.row(u);
    EXPECT_EQ(loaded.recommend(row, kItems, ItemFilter::of_row(row)),
              model_.recommend(row, kItems, ItemFilter::of_row(row)))
        << "user " << u;
  }
  for (ItemIndex i = 0; i < kItems; ++i) {
    EXPECT_EQ(loaded.similar_items(i, kItems), model_.similar_items(i, kItems)) << "item " << i;
  }
}

}  // namespace
}  // namespace mxn::models

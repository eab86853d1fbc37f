// GCC 12 reports a false -Wmaybe-uninitialized inside its AVX-512 intrinsics when Eigen's double
// reductions are inlined (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "planted.h"
#include "models/item_knn.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "data/rng.h"
#include "models/item_similarity.h"

namespace mxn::models {
namespace {

data::InteractionMatrix random_matrix(int users, int items, double density, bool negatives,
                                      std::uint64_t seed) {
  data::Rng rng(seed);
  std::vector<data::Triplet> t;
  for (int u = 0; u < users; ++u) {
    for (int i = 0; i < items; ++i) {
      // Power-law-ish: low item indices are more popular.
      if (rng.uniform() < density * 2.0 / (1.0 + 0.1 * i)) {
        float w = 0.5f + static_cast<float>(rng.below(6)) * 0.5f;
        if (negatives && rng.below(6) == 0) w = -1.0f;
        t.push_back({u, i, w, 0, false});
      }
    }
  }
  return data::InteractionMatrix::from_triplets(std::move(t), users, items);
}

/// Brute-force similarity matrix by the definitions in item_knn.h (0 where items share no user).
Eigen::MatrixXd brute_force(const data::InteractionMatrix& m, const ItemKnnParams& p) {
  Eigen::MatrixXd x = testing::dense(m);
  const auto n_items = m.n_items();
  if (p.similarity == "bm25") {
    Eigen::VectorXd len = x.cwiseAbs().colwise().sum().transpose();
    const double avg = len.mean();
    for (Eigen::Index u = 0; u < x.rows(); ++u) {
      const double n_u = static_cast<double>((x.row(u).array() != 0).count());
      const double idf = std::max(0.0, std::log(static_cast<double>(n_items)) - std::log1p(n_u));
      for (Eigen::Index i = 0; i < x.cols(); ++i) {
        const double w = x(u, i);
        if (w == 0) continue;
        const double norm = p.bm25_k1 * ((1 - p.bm25_b) + p.bm25_b * len[i] / avg);
        const double v = std::fabs(w) * (p.bm25_k1 + 1) / (norm + std::fabs(w)) * idf;
        x(u, i) = w < 0 ? -v : v;
      }
    }
  }
  Eigen::MatrixXd present = (x.array() != 0).cast<double>();
  if (p.similarity == "jaccard") x = present;
  const Eigen::MatrixXd dot = x.transpose() * x;
  const Eigen::MatrixXd common = present.transpose() * present;
  Eigen::MatrixXd s = Eigen::MatrixXd::Zero(n_items, n_items);
  for (Eigen::Index i = 0; i < n_items; ++i) {
    for (Eigen::Index j = 0; j < n_items; ++j) {
      if (i == j || common(i, j) == 0) continue;
      double v;
      if (p.similarity == "euclidean") {
        v = 1.0 / (1.0 + (x.col(i) - x.col(j)).norm());
      } else if (p.similarity == "jaccard") {
        v = common(i, j) / (present.col(i).sum() + present.col(j).sum() - common(i, j));
      } else {
        v = dot(i, j) / (x.col(i).norm() * x.col(j).norm());
      }
      if (p.shrinkage > 0) v *= common(i, j) / (common(i, j) + p.shrinkage);
      s(i, j) = v;
    }
  }
  return s;
}

void expect_matches_brute_force(const data::InteractionMatrix& m, const ItemKnnParams& p) {
  ItemKnn knn(p);
  FitOptions o;
  o.threads = 2;
  knn.fit(m, o);
  const Eigen::MatrixXd s = brute_force(m, p);
  for (ItemIndex i = 0; i < m.n_items(); ++i) {
    std::vector<std::pair<double, ItemIndex>> expected;
    for (ItemIndex j = 0; j < m.n_items(); ++j) {
      if (s(i, j) > 1e-9) expected.push_back({s(i, j), j});
    }
    std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    const auto all = expected;  // before the cut, to see ties across it
    if (expected.size() > static_cast<std::size_t>(p.neighbors))
      expected.resize(static_cast<std::size_t>(p.neighbors));
    const auto items = knn.neighbor_items(i);
    const auto sims = knn.neighbor_similarities(i);
    ASSERT_EQ(items.size(), expected.size()) << p.similarity << " item " << i;
    for (std::size_t q = 0; q < items.size(); ++q) {
      EXPECT_NEAR(sims[q], expected[q].first, 1e-5) << p.similarity << " item " << i << " rank " << q;
      // Equal similarities may come in either order within float rounding; a clear rank must match.
      const bool apart_before = q == 0 || std::fabs(expected[q - 1].first - expected[q].first) > 1e-5;
      const bool apart_after = q + 1 == all.size() || std::fabs(all[q].first - all[q + 1].first) > 1e-5;
      if (apart_before && apart_after) {
        EXPECT_EQ(items[q], expected[q].second) << p.similarity << " item " << i << " rank " << q;
      }
    }
  }
}

class ItemKnnBruteForceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ItemKnnBruteForceTest, MatchesDenseComputation) {
  ItemKnnParams p;
  p.similarity = GetParam();
  p.neighbors = 6;
  expect_matches_brute_force(random_matrix(40, 30, 0.25, false, 1), p);
  expect_matches_brute_force(random_matrix(40, 30, 0.25, true, 2), p);
  p.shrinkage = 3.0;
  expect_matches_brute_force(random_matrix(40, 30, 0.25, false, 3), p);
  p.neighbors = 100;  // more than the catalog
  p.shrinkage = 0;
  expect_matches_brute_force(random_matrix(25, 12, 0.3, false, 4), p);
}

INSTANTIATE_TEST_SUITE_P(Similarities, ItemKnnBruteForceTest,
                         ::testing::Values("cosine", "bm25", "jaccard", "euclidean"));

TEST(ItemKnnTest, EveryKernelPathGivesTheSameLists) {
  // Serial; parallel with per-thread lists; parallel with one shared, locked set of lists.
  const auto m = random_matrix(120, 60, 0.3, true, 8);
  for (const std::string similarity : {"cosine", "euclidean"}) {
    ItemKnnParams p;
    p.similarity = similarity;
    p.neighbors = 7;
    p.shrinkage = similarity == "euclidean" ? 2.0 : 0.0;
    NeighborOptions serial;
    serial.threads = 1;
    NeighborOptions private_lists;
    private_lists.threads = 2;
    private_lists.min_parallel_nnz = 0;
    NeighborOptions shared_lists = private_lists;
    shared_lists.private_lists_budget = 0;
    const auto a = item_neighbors(m, p, serial);
    const auto b = item_neighbors(m, p, private_lists);
    const auto c = item_neighbors(m, p, shared_lists);
    EXPECT_EQ(a.ptr, b.ptr);
    EXPECT_EQ(a.items, b.items);
    EXPECT_EQ(a.similarities, b.similarities);
    EXPECT_EQ(a.ptr, c.ptr);
    EXPECT_EQ(a.items, c.items);
    EXPECT_EQ(a.similarities, c.similarities);
    EXPECT_GT(a.items.size(), 0u);
  }
}

TEST(ItemKnnTest, ScoreIsWeightedSumOfNeighbourSimilarities) {
  const auto m = random_matrix(50, 20, 0.3, false, 5);
  ItemKnnParams p;
  p.neighbors = 5;
  ItemKnn knn(p);
  knn.fit(m, {});
  const auto row = m.row(3);
  std::vector<double> expected(20, 0.0);
  for (std::size_t q = 0; q < row.size(); ++q) {
    const auto items = knn.neighbor_items(row.items[q]);
    const auto sims = knn.neighbor_similarities(row.items[q]);
    for (std::size_t n = 0; n < items.size(); ++n)
      expected[static_cast<std::size_t>(items[n])] += row.weights[q] * sims[n];
  }
  const auto recs = knn.recommend(row, 20, {});
  ASSERT_FALSE(recs.empty());
  std::size_t positive = 0;
  for (double e : expected) positive += e > 0 ? 1 : 0;
  EXPECT_EQ(recs.size(), positive);
  for (const auto& r : recs) EXPECT_NEAR(r.score, expected[static_cast<std::size_t>(r.item)], 1e-5);
}

TEST(ItemKnnTest, SimilarItemsAreTheStoredNeighbours) {
  const auto m = random_matrix(50, 20, 0.3, false, 6);
  ItemKnn knn;
  knn.fit(m, {});
  const auto similar = knn.similar_items(4, 3);
  const auto items = knn.neighbor_items(4);
  ASSERT_EQ(similar.size(), std::min<std::size_t>(3, items.size()));
  for (std::size_t q = 0; q < similar.size(); ++q) EXPECT_EQ(similar[q].item, items[q]);
  EXPECT_THROW(knn.similar_items(20, 3), Error);
}

TEST(ItemKnnTest, InvalidSimilarityIsNamed) {
  ItemKnnParams p;
  p.similarity = "pearson";
  try {
    ItemKnn knn(p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "knn.similarity");
  }
}

}  // namespace
}  // namespace mxn::models

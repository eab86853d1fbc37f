// Rp3beta: the kept weights against a brute-force reference of
//   W_ij = deg_i^-α · Σ_{u who used i and j} deg_u^-α · deg_j^-β   (i ≠ j, degrees from the interaction
// pattern), the K largest per item with ties to the lower index; scoring as Σ weight(row, i) · W_ij;
// the same result on one thread and on two.

#include "models/rp3beta.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "core/error.h"
#include "data/rng.h"
#include "models/model_reader.h"
#include "models/model_writer.h"

namespace mxn::models {
namespace {

/// users x items, low item indices more popular, non-binary weights (some negative: dislikes are
/// interactions too); item n_items - 1 never used. No weight is zero.
data::InteractionMatrix random_matrix(int users, int items, double density, std::uint64_t seed) {
  data::Rng rng(seed);
  std::vector<data::Triplet> t;
  for (int u = 0; u < users; ++u) {
    for (int i = 0; i + 1 < items; ++i) {
      if (rng.uniform() < density * 2.0 / (1.0 + 0.1 * i)) {
        float w = 0.5f + static_cast<float>(rng.below(6)) * 0.5f;
        if (rng.below(8) == 0) w = -1.0f;
        t.push_back({u, i, w, 0, false});
      }
    }
  }
  return data::InteractionMatrix::from_triplets(std::move(t), users, items);
}

/// The reference: W (n_items x n_items, double) and whether i and j share a user (the candidates).
struct Reference {
  std::vector<std::vector<double>> w;
  std::vector<std::vector<bool>> shared;
};

Reference brute_force(const data::InteractionMatrix& m, double alpha, double beta) {
  const auto n = static_cast<std::size_t>(m.n_items());
  std::vector<double> item_deg(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    item_deg[i] = static_cast<double>(m.column(static_cast<ItemIndex>(i)).size());
  Reference r{std::vector<std::vector<double>>(n, std::vector<double>(n, 0.0)),
              std::vector<std::vector<bool>>(n, std::vector<bool>(n, false))};
  for (UserIndex u = 0; u < m.n_users(); ++u) {
    const auto row = m.row(u);
    if (row.empty()) continue;
    const double step = std::pow(static_cast<double>(row.size()), -alpha);
    for (ItemIndex i : row.items) {
      for (ItemIndex j : row.items) {
        if (i == j) continue;
        const auto iu = static_cast<std::size_t>(i), ju = static_cast<std::size_t>(j);
        r.w[iu][ju] += step;
        r.shared[iu][ju] = true;
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (r.shared[i][j]) r.w[i][j] *= std::pow(item_deg[i], -alpha) * std::pow(item_deg[j], -beta);
    }
  }
  return r;
}

/// Item i's candidates (items sharing a user with it) with their weights, best first, ties lower index.
std::vector<std::pair<double, ItemIndex>> ranked_row(const Reference& r, std::size_t i) {
  std::vector<std::pair<double, ItemIndex>> out;
  for (std::size_t j = 0; j < r.w.size(); ++j) {
    if (r.shared[i][j]) out.push_back({r.w[i][j], static_cast<ItemIndex>(j)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  return out;
}

bool near(double actual, double expected) {
  return std::fabs(actual - expected) <= 1e-5 * std::fabs(expected);
}

Rp3beta fitted(const data::InteractionMatrix& m, double alpha, double beta, int neighbors, int threads = 1) {
  Rp3betaParams p;
  p.alpha = alpha;
  p.beta = beta;
  p.neighbors = neighbors;
  Rp3beta model(p);
  FitOptions o;
  o.threads = threads;
  model.fit(m, o);
  return model;
}

/// Every item's kept list is its K best candidates by the reference: the same length, similarities equal
/// rank by rank; each kept item shares a user with i, is not i, appears once and has the rank's reference
/// weight; where the reference weight is not tied (within rounding) with a neighbour's, the very item.
/// Returns how many items had more candidates than K.
int expect_matches_brute_force(const data::InteractionMatrix& m, double alpha, double beta, int neighbors) {
  const auto model = fitted(m, alpha, beta, neighbors);
  const Reference r = brute_force(m, alpha, beta);
  const auto& lists = model.lists();
  EXPECT_EQ(lists.size(), m.n_items());
  int cut_rows = 0;
  const std::string what = "alpha=" + std::to_string(alpha) + " beta=" + std::to_string(beta) +
                           " K=" + std::to_string(neighbors) + " item ";
  for (ItemIndex i = 0; i < m.n_items(); ++i) {
    const auto iu = static_cast<std::size_t>(i);
    const auto all = ranked_row(r, iu);
    auto expected = all;
    if (expected.size() > static_cast<std::size_t>(neighbors)) {
      expected.resize(static_cast<std::size_t>(neighbors));
      ++cut_rows;
    }
    const auto items = lists.items_of(i);
    const auto sims = lists.similarities_of(i);
    EXPECT_EQ(items.size(), expected.size()) << what << i;
    if (items.size() != expected.size() || sims.size() != expected.size()) continue;
    std::vector<bool> seen(static_cast<std::size_t>(m.n_items()), false);
    for (std::size_t q = 0; q < items.size(); ++q) {
      const auto j = static_cast<std::size_t>(items[q]);
      EXPECT_TRUE(near(sims[q], expected[q].first))
          << what << i << " rank " << q << ": " << sims[q] << " vs " << expected[q].first;
      if (j >= seen.size()) {
        ADD_FAILURE() << what << i << " lists out-of-range item " << j;
        continue;
      }
      EXPECT_NE(j, iu) << what << i;
      EXPECT_FALSE(seen[j]) << what << i << " lists " << j << " twice";
      seen[j] = true;
      EXPECT_TRUE(r.shared[iu][j]) << what << i << " lists " << j << ", which shares no user with it";
      EXPECT_TRUE(near(r.w[iu][j], expected[q].first)) << what << i << " rank " << q << " holds " << j;
      const bool apart_before = q == 0 || !near(all[q - 1].first, all[q].first);
      const bool apart_after = q + 1 == all.size() || !near(all[q + 1].first, all[q].first);
      if (apart_before && apart_after) {
        EXPECT_EQ(items[q], expected[q].second) << what << i << " rank " << q;
      }
    }
  }
  return cut_rows;
}

/// Expected recommend(): Σ over the row's items i (below n_items) of weight(row, i) · W_ij for the j that
/// `lists` keeps for i, with W from the reference; only positive scores, best first, not excluded, cut at k.
std::vector<std::pair<double, ItemIndex>> expected_recommendation(const Reference& r,
                                                                  const NeighborLists& lists,
                                                                  const data::SparseRow& row, std::size_t k,
                                                                  const std::vector<ItemIndex>& excluded,
                                                                  std::size_t* not_positive = nullptr) {
  std::vector<double> score(r.w.size(), 0.0);
  for (std::size_t e = 0; e < row.size(); ++e) {
    const ItemIndex i = row.items[e];
    if (i >= lists.size()) continue;
    for (ItemIndex j : lists.items_of(i)) {
      score[static_cast<std::size_t>(j)] +=
          static_cast<double>(row.weights[e]) * r.w[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
    }
  }
  std::vector<std::pair<double, ItemIndex>> out;
  for (std::size_t j = 0; j < score.size(); ++j) {
    const auto item = static_cast<ItemIndex>(j);
    if (not_positive != nullptr && score[j] <= 1e-9 && score[j] != 0.0) ++*not_positive;
    if (score[j] > 1e-9 && std::find(excluded.begin(), excluded.end(), item) == excluded.end())
      out.push_back({score[j], item});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  if (out.size() > k) out.resize(k);
  return out;
}

void expect_recommendation(const Rp3beta& model, const Reference& r, const data::SparseRow& row,
                           std::size_t k, const std::vector<ItemIndex>& excluded, const std::string& what) {
  const auto expected = expected_recommendation(r, model.lists(), row, k, excluded);
  const auto got = model.recommend(row, k, ItemFilter(excluded));
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (std::size_t q = 0; q < got.size(); ++q) {
    EXPECT_GT(got[q].score, 0.0f) << what << " rank " << q;
    EXPECT_NEAR(got[q].score, expected[q].first, 1e-5 * expected[q].first + 1e-6) << what << " rank " << q;
    EXPECT_TRUE(std::find(excluded.begin(), excluded.end(), got[q].item) == excluded.end()) << what;
    if (q > 0) {
      EXPECT_GE(got[q - 1].score, got[q].score) << what << " rank " << q;
    }
    const bool apart_before = q == 0 || std::fabs(expected[q - 1].first - expected[q].first) > 1e-5;
    const bool apart_after =
        q + 1 == expected.size() || std::fabs(expected[q + 1].first - expected[q].first) > 1e-5;
    if (apart_before && apart_after) {
      EXPECT_EQ(got[q].item, expected[q].second) << what << " rank " << q;
    }
  }
}

class Rp3betaTest : public ::testing::Test {
 protected:
  Rp3betaTest() : matrix_(random_matrix(60, 30, 0.12, 17)) {}
  data::InteractionMatrix matrix_;
};

TEST_F(Rp3betaTest, KeptWeightsMatchBruteForceWhenKCutsTheRows) {
  const int cut = expect_matches_brute_force(matrix_, 0.5, 0.4, 5);
  EXPECT_GT(cut, 10);  // the cut is exercised on many rows
  expect_matches_brute_force(matrix_, 0.8, 0.0, 3);
  expect_matches_brute_force(matrix_, 1.0, 0.7, 8);
}

TEST_F(Rp3betaTest, KeptWeightsMatchBruteForceWhenKExceedsTheRows) {
  EXPECT_EQ(expect_matches_brute_force(matrix_, 0.5, 0.4, 1000), 0);
  EXPECT_EQ(expect_matches_brute_force(matrix_, 0.3, 1.2, 1000), 0);
}

TEST_F(Rp3betaTest, ItemWithoutUsersHasNoWeights) {
  const auto model = fitted(matrix_, 0.5, 0.4, 100);
  const ItemIndex unused = matrix_.n_items() - 1;
  ASSERT_TRUE(matrix_.column(unused).empty());
  EXPECT_TRUE(model.lists().items_of(unused).empty());
  EXPECT_TRUE(model.similar_items(unused, 10).empty());
  for (ItemIndex i = 0; i < matrix_.n_items(); ++i) {
    for (ItemIndex j : model.lists().items_of(i)) {
      EXPECT_NE(j, unused) << "item " << i;
    }
  }
}

TEST_F(Rp3betaTest, TiesKeepTheLowerIndexFirst) {
  // α = 1, β = 0, user degrees 2 and 4: the weights are exact, so equal ones are exactly equal. Item 0's
  // users reach 5 and 2 through a user of degree 2 (W = 1/3 · 1/2) and 1, 3, 4 through one of degree 4
  // (1/3 · 1/4); the walk meets 5 before 2 (user order), the ranking must not.
  const auto m = data::InteractionMatrix::from_triplets({{0, 0, 1.0f, 0, false},
                                                         {0, 5, 1.0f, 0, false},  //
                                                         {1, 0, 2.0f, 0, false},
                                                         {1, 2, 1.0f, 0, false},  //
                                                         {2, 0, 1.0f, 0, false},
                                                         {2, 1, 3.0f, 0, false},
                                                         {2, 3, 1.0f, 0, false},
                                                         {2, 4, 1.0f, 0, false}},
                                                        3, 6);
  for (int k : {1, 2, 3, 4, 5, 100}) {
    const auto model = fitted(m, 1.0, 0.0, k);
    const auto items = model.lists().items_of(0);
    const std::vector<ItemIndex> all = {2, 5, 1, 3, 4};
    const std::vector<ItemIndex> expected(all.begin(), all.begin() + std::min<std::ptrdiff_t>(k, 5));
    EXPECT_EQ(std::vector<ItemIndex>(items.begin(), items.end()), expected) << "K=" << k;
    const auto sims = model.lists().similarities_of(0);
    for (std::size_t q = 0; q < sims.size(); ++q) {
      EXPECT_FLOAT_EQ(sims[q], q < 2 ? 1.0f / 6 : 1.0f / 12) << "K=" << k << " rank " << q;
    }
  }
}

TEST_F(Rp3betaTest, RecommendSumsRowWeightsTimesKeptWeights) {
  for (int k_neighbors : {1000, 4}) {
    const auto model = fitted(matrix_, 0.5, 0.4, k_neighbors);
    const Reference r = brute_force(matrix_, 0.5, 0.4);
    const std::string what = "K=" + std::to_string(k_neighbors) + " ";
    for (UserIndex u = 0; u < matrix_.n_users(); u += 3) {
      const auto row = matrix_.row(u);
      const std::vector<ItemIndex> seen(row.items.begin(), row.items.end());
      expect_recommendation(model, r, row, 10, seen, what + "user " + std::to_string(u));
      expect_recommendation(model, r, row, 1000, {}, what + "user " + std::to_string(u) + " all");
    }
    // A live row: a strong dislike makes some scores negative (never returned), an item newer than the
    // model is ignored.
    const std::vector<ItemIndex> items = {0, 3, 7, 40};
    const std::vector<float> weights = {1.0f, -6.0f, 2.0f, 5.0f};
    const data::SparseRow live{items, weights};
    expect_recommendation(model, r, live, 1000, {7}, what + "live row");
    std::size_t negative = 0;
    expected_recommendation(r, model.lists(), live, 1000, {}, &negative);
    EXPECT_GT(negative, 0u) << what << "the live row should give some items a negative score";
  }
}

TEST_F(Rp3betaTest, SimilarItemsAreTheKeptWeightsBestFirst) {
  const auto model = fitted(matrix_, 0.5, 0.4, 6);
  for (ItemIndex i = 0; i < matrix_.n_items(); ++i) {
    const auto items = model.lists().items_of(i);
    const auto sims = model.lists().similarities_of(i);
    const auto got = model.similar_items(i, 4);
    ASSERT_EQ(got.size(), std::min<std::size_t>(4, items.size())) << "item " << i;
    for (std::size_t q = 0; q < got.size(); ++q) {
      EXPECT_EQ(got[q], (ScoredItem{items[q], sims[q]})) << "item " << i;
      EXPECT_NE(got[q].item, i);
      if (q > 0) {
        EXPECT_GE(got[q - 1].score, got[q].score);
      }
    }
  }
  EXPECT_THROW(model.similar_items(matrix_.n_items(), 4), Error);
}

TEST_F(Rp3betaTest, SameResultWithOneAndTwoThreads) {
  // Above 20,000 entries the fit runs in parallel.
  const auto big = random_matrix(2000, 300, 0.2, 5);
  ASSERT_GT(big.nnz(), 20000u);
  const auto one = fitted(big, 0.5, 0.4, 20, 1);
  const auto two = fitted(big, 0.5, 0.4, 20, 2);
  EXPECT_EQ(one.lists().ptr, two.lists().ptr);
  EXPECT_EQ(one.lists().items, two.lists().items);
  EXPECT_EQ(one.lists().similarities, two.lists().similarities);
  EXPECT_GT(one.lists().items.size(), 1000u);
  for (UserIndex u = 0; u < big.n_users(); u += 97) {
    const auto row = big.row(u);
    EXPECT_EQ(one.recommend(row, 10, ItemFilter::of_row(row)),
              two.recommend(row, 10, ItemFilter::of_row(row)))
        << "user " << u;
  }
}

TEST_F(Rp3betaTest, SaveLoadGivesIdenticalScores) {
  const auto model = fitted(matrix_, 0.5, 0.4, 5);
  std::stringstream buffer;
  {
    ModelWriter writer(buffer, 3);
    model.save(writer);
  }
  ModelReader reader(buffer, 3);
  Rp3beta loaded;
  loaded.load(reader);
  EXPECT_TRUE(loaded.is_fitted());
  EXPECT_EQ(loaded.params(), model.params());
  EXPECT_EQ(loaded.lists().items, model.lists().items);
  EXPECT_EQ(loaded.lists().similarities, model.lists().similarities);
  for (UserIndex u = 0; u < matrix_.n_users(); ++u) {
    const auto row = matrix_.row(u);
    EXPECT_EQ(loaded.recommend(row, 10, ItemFilter::of_row(row)),
              model.recommend(row, 10, ItemFilter::of_row(row)))
        << "user " << u;
  }
}

}  // namespace
}  // namespace mxn::models

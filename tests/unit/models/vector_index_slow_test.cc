#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "models/vector_index.h"

namespace mxn::models {
namespace {

// Recall@10 of HNSW (the default parameters of EmbeddingParams: M 16, ef_construction 200, ef_search 100)
// against the exact index on 100,000 random unit 384-d vectors and 200 random queries.
//
// The vectors are random with a low intrinsic dimension, as text embeddings are: x = normalise(W z / 4 +
// 0.3 e) with z ~ N(0, I_16), W a fixed random 384 x 16 matrix and e ~ N(0, I_384). (With i.i.d.
// isotropic 384-d vectors all inner products concentrate near 0, neighbours are barely nearer than
// anything else, and any graph index needs ef in the thousands to reach this recall: about 0.12 at ef 100.)
TEST(VectorIndexSlowTest, HnswRecallAt10OnRandomVectors) {
  constexpr std::size_t kItems = 100000;
  constexpr std::size_t kDim = 384;
  constexpr std::size_t kLatent = 16;
  constexpr std::size_t kQueries = 200;
  std::mt19937 rng(2024);
  std::normal_distribution<float> normal;
  std::vector<float> w(kDim * kLatent);
  for (auto& x : w) x = normal(rng);
  auto sample = [&](std::size_t n) {
    std::vector<float> v(n * kDim);
    std::vector<float> z(kLatent);
    for (std::size_t i = 0; i < n; ++i) {
      for (auto& x : z) x = normal(rng);
      double sum = 0;
      for (std::size_t j = 0; j < kDim; ++j) {
        float a = 0;
        for (std::size_t k = 0; k < kLatent; ++k) a += w[j * kLatent + k] * z[k];
        a = a / 4.0f + 0.3f * normal(rng);
        v[i * kDim + j] = a;
        sum += double(a) * a;
      }
      for (std::size_t j = 0; j < kDim; ++j) v[i * kDim + j] = static_cast<float>(v[i * kDim + j] / std::sqrt(sum));
    }
    return v;
  };
  const std::vector<float> items = sample(kItems);
  const std::vector<float> queries = sample(kQueries);

  const VectorIndexOptions options = VectorIndexOptions::from_params(EmbeddingParams{});
  const HnswIndex hnsw(items, kDim, options.hnsw);
  const ExactIndex exact(items, kDim);
  const auto truth = exact.search_batch(queries, 10, ItemFilter{});
  const auto found = hnsw.search_batch(queries, 10, ItemFilter{});
  ASSERT_EQ(found.size(), kQueries);
  double hits = 0;
  for (std::size_t q = 0; q < kQueries; ++q) {
    std::set<ItemIndex> expected;
    for (const auto& h : truth[q]) expected.insert(h.item);
    ASSERT_EQ(found[q].size(), 10u);
    for (const auto& h : found[q]) hits += static_cast<double>(expected.count(h.item));
  }
  const double recall = hits / (10.0 * kQueries);
  RecordProperty("recall_at_10", std::to_string(recall));
  EXPECT_GE(recall, 0.95);
}

}  // namespace
}  // namespace mxn::models

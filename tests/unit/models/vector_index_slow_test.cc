#include <gtest/gtest.h>

#include <set>
#include <string>

#include "models/vector_index.h"
#include "random_vectors.h"

namespace mxn::models {
namespace {

constexpr std::size_t kItems = 100000;
constexpr std::size_t kDim = 384;
constexpr std::size_t kQueries = 200;

// Recall@10 of HNSW with `params` against the exact index; items: kItems x kDim, queries: kQueries x kDim.
double hnsw_recall_at_10(const std::vector<float>& items, const std::vector<float>& queries,
                         const HnswParams& params) {
  const HnswIndex hnsw(items, kDim, params);
  const ExactIndex exact(items, kDim);
  const auto truth = exact.search_batch(queries, 10, ItemFilter{});
  const auto found = hnsw.search_batch(queries, 10, ItemFilter{});
  EXPECT_EQ(found.size(), kQueries);
  double hits = 0;
  for (std::size_t q = 0; q < found.size(); ++q) {
    std::set<ItemIndex> expected;
    for (const auto& h : truth[q]) expected.insert(h.item);
    EXPECT_EQ(found[q].size(), 10u);
    for (const auto& h : found[q]) hits += static_cast<double>(expected.count(h.item));
  }
  return hits / (10.0 * kQueries);
}

// The default parameters of EmbeddingParams (M 16, ef_construction 200, ef_search 100) on 100,000 random
// unit 384-d vectors with a low intrinsic dimension, as text embeddings have (16 latent dimensions plus
// noise, tests/random_vectors.h), and 200 queries drawn the same way.
//
// i.i.d. random unit vectors (uniform on the sphere) are not asserted here: there all inner products
// concentrate near 0, the true neighbours are barely nearer than anything else, and the default graph gives
// recall@10 0.12 at ef 100 and 0.91 at ef 3200. Reaching 0.95 takes a denser graph (M 32, ef_construction
// 400, ef 1600 or more), which is too slow to build for the suite: on the shared 2-core machine its build
// took 274 s in the benchmark (load 4), three times the default graph on the same vectors, and the same test
// on i.i.d. vectors with that graph ran 286 s (load 5 to 10; this one 66 s beside it), past the 3 minutes a
// slow test may take. bench/vector_index_bench.cc measures that case instead (recall and latency against
// exact search, docs/benchmarks.md).
TEST(VectorIndexSlowTest, HnswRecallAt10OnTextLikeVectors) {
  const auto items = testing::low_rank_unit_vectors(kItems, kDim, 16, 2024, 1);
  const auto queries = testing::low_rank_unit_vectors(kQueries, kDim, 16, 2024, 2);
  const double recall =
      hnsw_recall_at_10(items, queries, VectorIndexOptions::from_params(EmbeddingParams{}).hnsw);
  RecordProperty("recall_at_10", std::to_string(recall));
  EXPECT_GE(recall, 0.95);
}

}  // namespace
}  // namespace mxn::models

#include "models/vector_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/error.h"
#include "random_vectors.h"

namespace mxn::models {
namespace {

using mxn::testing::isotropic_unit_vectors;

std::vector<ItemIndex> items_of(const std::vector<ScoredItem>& hits) {
  std::vector<ItemIndex> out;
  for (const auto& h : hits) out.push_back(h.item);
  return out;
}

// Exact top-k by a plain loop: the slow obvious reference.
std::vector<ItemIndex> brute_force(const std::vector<float>& v, std::size_t dim, std::span<const float> q,
                                   std::size_t k, const ItemFilter& exclude) {
  std::vector<std::pair<float, ItemIndex>> all;
  for (std::size_t i = 0; i < v.size() / dim; ++i) {
    if (exclude.excludes(static_cast<ItemIndex>(i))) continue;
    float s = 0;
    for (std::size_t j = 0; j < dim; ++j) s += v[i * dim + j] * q[j];
    all.emplace_back(-s, static_cast<ItemIndex>(i));
  }
  std::sort(all.begin(), all.end());
  std::vector<ItemIndex> out;
  for (std::size_t i = 0; i < std::min(k, all.size()); ++i) out.push_back(all[i].second);
  return out;
}

double recall(const std::vector<ItemIndex>& truth, const std::vector<ItemIndex>& found) {
  const std::set<ItemIndex> t(truth.begin(), truth.end());
  std::size_t hit = 0;
  for (auto i : found) hit += t.count(i);
  return truth.empty() ? 1.0 : double(hit) / double(truth.size());
}

TEST(ExactIndexTest, FindsNearestByInnerProductBestFirst) {
  // Four 2-d items; query (1, 0).
  const std::vector<float> v = {0.0f, 1.0f, 1.0f, 0.0f, 0.6f, 0.8f, -1.0f, 0.0f};
  const ExactIndex index(v, 2);
  EXPECT_EQ(index.size(), 4u);
  EXPECT_EQ(index.type_name(), "exact");
  const std::vector<float> q = {1.0f, 0.0f};
  const auto hits = index.search(q, 3, ItemFilter{});
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(items_of(hits), (std::vector<ItemIndex>{1, 2, 0}));
  EXPECT_FLOAT_EQ(hits[0].score, 1.0f);
  EXPECT_FLOAT_EQ(hits[1].score, 0.6f);
}

TEST(ExactIndexTest, BreaksTiesByLowerIndex) {
  const std::vector<float> v = {1.0f, 0.0f, 1.0f, 0.0f, 1.0f, 0.0f};
  const ExactIndex index(v, 2);
  const std::vector<float> q = {1.0f, 0.0f};
  EXPECT_EQ(items_of(index.search(q, 2, ItemFilter{})), (std::vector<ItemIndex>{0, 1}));
}

TEST(ExactIndexTest, RespectsExclusionsAndPredicates) {
  const auto v = isotropic_unit_vectors(500, 16, 1);
  const ExactIndex index(v, 16);
  const std::span<const float> q(v.data() + 7 * 16, 16);
  EXPECT_EQ(index.search(q, 1, ItemFilter{})[0].item, 7);
  ItemFilter exclude({7, 3, 11});
  exclude.with_predicate([](ItemIndex i) { return i % 2 == 0; });
  const auto hits = index.search(q, 20, exclude);
  ASSERT_EQ(hits.size(), 20u);
  for (const auto& h : hits) {
    EXPECT_NE(h.item % 2, 0);
    EXPECT_NE(h.item, 7);
    EXPECT_NE(h.item, 3);
    EXPECT_NE(h.item, 11);
  }
  EXPECT_EQ(items_of(hits), brute_force(v, 16, q, 20, exclude));
}

TEST(ExactIndexTest, ReturnsFewerWhenTheCatalogRunsOut) {
  const auto v = isotropic_unit_vectors(5, 8, 2);
  const ExactIndex index(v, 8);
  const std::span<const float> q(v.data(), 8);
  EXPECT_EQ(index.search(q, 10, ItemFilter{}).size(), 5u);
  EXPECT_EQ(index.search(q, 10, ItemFilter({0, 1})).size(), 3u);
  EXPECT_TRUE(index.search(q, 0, ItemFilter{}).empty());
}

TEST(ExactIndexTest, MatchesBruteForceAcrossBlocks) {
  const std::size_t dim = 24;
  const auto v = isotropic_unit_vectors(10000, dim, 3);  // several 4096-row blocks
  const ExactIndex index(v, dim);
  const auto queries = isotropic_unit_vectors(5, dim, 4);
  for (std::size_t q = 0; q < 5; ++q) {
    const std::span<const float> query(queries.data() + q * dim, dim);
    EXPECT_EQ(items_of(index.search(query, 10, ItemFilter{})), brute_force(v, dim, query, 10, ItemFilter{}));
  }
}

TEST(ExactIndexTest, BatchEqualsOneByOne) {
  const std::size_t dim = 12;
  const auto v = isotropic_unit_vectors(3000, dim, 5);
  const ExactIndex index(v, dim);
  const auto queries = isotropic_unit_vectors(70, dim, 6);  // more than one chunk of 32
  const ItemFilter exclude({1, 2, 3});
  const auto batch = index.search_batch(queries, 7, exclude);
  ASSERT_EQ(batch.size(), 70u);
  for (std::size_t q = 0; q < 70; ++q) {
    EXPECT_EQ(items_of(batch[q]),
              items_of(index.search(std::span<const float>(queries.data() + q * dim, dim), 7, exclude)));
  }
}

TEST(ExactIndexTest, RejectsBadShapes) {
  EXPECT_THROW(ExactIndex(std::vector<float>(10), 3), Error);
  EXPECT_THROW(ExactIndex(std::vector<float>(10), 0), Error);
  const ExactIndex index(std::vector<float>(12, 0.5f), 4);
  try {
    index.search(std::vector<float>(3, 1.0f), 1, ItemFilter{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    EXPECT_EQ(e.field(), "query");
  }
}

TEST(HnswIndexTest, AgreesWithExactOnSmallData) {
  const std::size_t dim = 32;
  const auto v = isotropic_unit_vectors(2000, dim, 7);
  const ExactIndex exact(v, dim);
  const HnswIndex hnsw(v, dim, HnswParams{});
  EXPECT_EQ(hnsw.size(), 2000u);
  EXPECT_EQ(hnsw.type_name(), "hnsw");
  const auto queries = isotropic_unit_vectors(50, dim, 8);
  double total = 0;
  for (std::size_t q = 0; q < 50; ++q) {
    const std::span<const float> query(queries.data() + q * dim, dim);
    const auto truth = exact.search(query, 10, ItemFilter{});
    const auto found = hnsw.search(query, 10, ItemFilter{});
    ASSERT_EQ(found.size(), 10u);
    EXPECT_TRUE(std::is_sorted(found.begin(), found.end(),
                               [](const ScoredItem& a, const ScoredItem& b) { return a.score > b.score; }));
    total += recall(items_of(truth), items_of(found));
    // Scores are inner products, like the exact index's.
    if (found[0].item == truth[0].item) {
      EXPECT_NEAR(found[0].score, truth[0].score, 1e-5);
    }
  }
  EXPECT_GE(total / 50, 0.98);
}

TEST(HnswIndexTest, FindsItemsThemselves) {
  const std::size_t dim = 16;
  const auto v = isotropic_unit_vectors(1000, dim, 9);
  const HnswIndex hnsw(v, dim, HnswParams{});
  int found_self = 0;
  for (ItemIndex i = 0; i < 1000; i += 10) {
    const auto hits =
        hnsw.search(std::span<const float>(v.data() + std::size_t(i) * dim, dim), 1, ItemFilter{});
    found_self += hits.at(0).item == i;
  }
  EXPECT_GE(found_self, 99);
}

TEST(HnswIndexTest, ExclusionsAreNeverReturnedAndStillFillK) {
  const std::size_t dim = 16;
  const auto v = isotropic_unit_vectors(3000, dim, 10);
  const ExactIndex exact(v, dim);
  const HnswIndex hnsw(v, dim, HnswParams{});
  const auto queries = isotropic_unit_vectors(20, dim, 11);
  double total = 0;
  for (std::size_t q = 0; q < 20; ++q) {
    const std::span<const float> query(queries.data() + q * dim, dim);
    // Exclude the true top 50 plus every multiple of 3: the answer lies far down the list.
    std::vector<ItemIndex> top;
    for (const auto& h : exact.search(query, 50, ItemFilter{})) top.push_back(h.item);
    ItemFilter exclude(top);
    exclude.with_predicate([](ItemIndex i) { return i % 3 == 0; });
    const auto found = hnsw.search(query, 10, exclude);
    ASSERT_EQ(found.size(), 10u);
    for (const auto& h : found) EXPECT_FALSE(exclude.excludes(h.item)) << h.item;
    total += recall(items_of(exact.search(query, 10, exclude)), items_of(found));
  }
  EXPECT_GE(total / 20, 0.9);
}

TEST(HnswIndexTest, OverFetchReachesTheWholeIndex) {
  const std::size_t dim = 8;
  const auto v = isotropic_unit_vectors(400, dim, 12);
  const HnswIndex hnsw(v, dim, HnswParams{});
  ItemFilter keep_three;
  keep_three.with_predicate([](ItemIndex i) { return i != 5 && i != 250 && i != 399; });
  const auto found = hnsw.search(std::span<const float>(v.data(), dim), 10, keep_three);
  std::vector<ItemIndex> items = items_of(found);
  std::sort(items.begin(), items.end());
  EXPECT_EQ(items, (std::vector<ItemIndex>{5, 250, 399}));
}

TEST(HnswIndexTest, SerialBuildIsDeterministic) {
  const std::size_t dim = 16;
  const auto v = isotropic_unit_vectors(1500, dim, 13);
  HnswParams params;
  params.parallel_build = false;
  const HnswIndex a(v, dim, params);
  const HnswIndex b(v, dim, params);
  const auto queries = isotropic_unit_vectors(10, dim, 14);
  for (std::size_t q = 0; q < 10; ++q) {
    const std::span<const float> query(queries.data() + q * dim, dim);
    EXPECT_EQ(items_of(a.search(query, 10, ItemFilter{})), items_of(b.search(query, 10, ItemFilter{})));
  }
}

TEST(HnswIndexTest, EmptyIndexAndBadParams) {
  const HnswIndex empty(std::vector<float>{}, 4, HnswParams{});
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.search(std::vector<float>(4, 0.5f), 3, ItemFilter{}).empty());
  HnswParams bad;
  bad.m = 1;
  bad.ef_search = 0;
  try {
    HnswIndex index(std::vector<float>(8, 0.5f), 4, bad);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.problems().size(), 2u);
  }
}

TEST(VectorIndexFactoryTest, ASavedIndexLoadsAsTheSameIndex) {
  // A parallel build depends on thread scheduling: only the saved graph reproduces its answers.
  const std::size_t dim = 24;
  const auto v = isotropic_unit_vectors(3000, dim, 16);
  const auto queries = isotropic_unit_vectors(20, dim, 17);
  for (const std::size_t threshold : {std::size_t{100}, std::size_t{100000}}) {
    VectorIndexOptions options;
    options.hnsw_threshold = threshold;
    options.hnsw.ef_search = 20;  // low, so that a different graph would answer differently
    const auto built = make_vector_index(v, dim, options);
    std::stringstream buffer;
    BinaryWriter writer(buffer);
    built->save(writer);
    BinaryReader reader(buffer);
    const auto loaded = load_vector_index(reader, v, dim, options);
    EXPECT_EQ(loaded->type_name(), built->type_name());
    EXPECT_EQ(loaded->size(), 3000u);
    for (std::size_t q = 0; q < 20; ++q) {
      const std::span<const float> query(queries.data() + q * dim, dim);
      EXPECT_EQ(loaded->search(query, 10, ItemFilter{}), built->search(query, 10, ItemFilter{})) << "query " << q;
    }
  }
}

TEST(VectorIndexFactoryTest, AGraphForOtherVectorsIsRefused) {
  VectorIndexOptions options;
  options.hnsw_threshold = 1;
  const auto built = make_vector_index(isotropic_unit_vectors(200, 8, 18), 8, options);
  std::stringstream buffer;
  BinaryWriter writer(buffer);
  built->save(writer);
  BinaryReader reader(buffer);
  try {
    load_vector_index(reader, isotropic_unit_vectors(200, 16, 18), 16, options);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kCorrupt);
  }
}

TEST(VectorIndexFactoryTest, ChoosesExactBelowTheThresholdAndHnswAtIt) {
  VectorIndexOptions options;
  options.hnsw_threshold = 100;
  EXPECT_EQ(make_vector_index(isotropic_unit_vectors(99, 8, 15), 8, options)->type_name(), "exact");
  EXPECT_EQ(make_vector_index(isotropic_unit_vectors(100, 8, 15), 8, options)->type_name(), "hnsw");
  EmbeddingParams params;
  params.hnsw_threshold = 7;
  params.hnsw_m = 8;
  params.hnsw_ef_search = 42;
  const auto from = VectorIndexOptions::from_params(params);
  EXPECT_EQ(from.hnsw_threshold, 7u);
  EXPECT_EQ(from.hnsw.m, 8);
  EXPECT_EQ(from.hnsw.ef_search, 42);
}

}  // namespace
}  // namespace mxn::models

// Vector search benchmarks (Google Benchmark) at 100,000 items x 384 dimensions, top-10 by inner product,
// no exclusions unless named, on two data sets of random unit vectors (tests/random_vectors.h), each with
// 200 queries drawn the same way as its items:
//   text_like: a low intrinsic dimension like text embeddings, normalise(W z / 4 + 0.3 e), z ~ N(0, I_16),
//              W a fixed random 384 x 16 matrix, e ~ N(0, I_384);
//   isotropic: i.i.d. uniform on the sphere (normalised N(0, I_384)), the hardest case for a graph index.
// Benchmarks:
//   exact_search:        one query, ExactIndex (blocked matrix-vector products on the calling thread)
//   exact_search_batch:  200 queries through search_batch (matrix-matrix products on all threads);
//                        items/s = queries/s
//   hnsw_search_<data>/M:<m>/efc:<ef_construction>/ef:<ef_search>: one query, HnswIndex
//   hnsw_search_excluding: text_like, M 16, ef_construction 200, ef 100, each query excluding its own 50
//                        nearest items and 500 others (the over-fetch path)
// Counters: recall@10 against the exact index over the 200 queries; build_s = seconds to build the graph
// (once per data set and M/ef_construction, all threads, before the first search that needs it).
// Threads: OpenMP, 2 unless OMP_NUM_THREADS says otherwise. Building the graphs takes most of the run time.
//
// Run: cmake -S . -B build-bench -DMXN_BENCH=ON -DCMAKE_BUILD_TYPE=Release
//      cmake --build build-bench --target vector_index_bench && build-bench/bench/vector_index_bench

#include <benchmark/benchmark.h>
#include <omp.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "models/vector_index.h"
#include "random_vectors.h"

namespace {

using mxn::models::ExactIndex;
using mxn::models::HnswIndex;
using mxn::models::HnswParams;
using mxn::models::ItemFilter;
using mxn::models::ScoredItem;

constexpr std::size_t kItems = 100000;
constexpr std::size_t kDim = 384;
constexpr std::size_t kQueries = 200;
constexpr std::size_t kK = 10;

enum class Data { kTextLike, kIsotropic };

/// items: kItems x kDim, queries: kQueries x kDim, truth: the exact top kK of each query.
struct Dataset {
  std::unique_ptr<ExactIndex> exact;
  std::vector<float> queries;
  std::vector<std::vector<ScoredItem>> truth;
};

std::vector<float> unit_vectors(Data data, std::size_t n, std::uint32_t seed) {
  if (data == Data::kTextLike) return mxn::testing::low_rank_unit_vectors(n, kDim, 16, 1, seed);
  return mxn::testing::isotropic_unit_vectors(n, kDim, seed);
}

// Benchmarks run one after another on one thread: the caches need no lock.
const Dataset& dataset(Data data) {
  static std::map<Data, std::unique_ptr<Dataset>> cache;
  auto& slot = cache[data];
  if (!slot) {
    slot = std::make_unique<Dataset>();
    slot->exact = std::make_unique<ExactIndex>(unit_vectors(data, kItems, 1), kDim);
    slot->queries = unit_vectors(data, kQueries, 2);
    slot->truth = slot->exact->search_batch(slot->queries, kK, ItemFilter{});
  }
  return *slot;
}

struct Graph {
  std::unique_ptr<HnswIndex> index;
  double build_seconds = 0;
};

Graph& graph(Data data, int m, int ef_construction) {
  static std::map<std::tuple<Data, int, int>, Graph> cache;
  Graph& g = cache[{data, m, ef_construction}];
  if (!g.index) {
    const auto vectors = dataset(data).exact->vectors();
    const auto start = std::chrono::steady_clock::now();
    g.index =
        std::make_unique<HnswIndex>(vectors, kDim, HnswParams{.m = m, .ef_construction = ef_construction});
    g.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return g;
}

std::span<const float> query(const Dataset& d, std::size_t q) {
  return std::span<const float>(d.queries).subspan((q % kQueries) * kDim, kDim);
}

// Recall@kK of `found` against `truth` (the exact answers under the same filters), one list per query.
double recall(const std::vector<std::vector<ScoredItem>>& truth,
              const std::vector<std::vector<ScoredItem>>& found) {
  double hits = 0;
  for (std::size_t q = 0; q < truth.size(); ++q) {
    std::set<mxn::ItemIndex> expected;
    for (const auto& h : truth[q]) expected.insert(h.item);
    for (const auto& h : found[q]) hits += static_cast<double>(expected.count(h.item));
  }
  return hits / static_cast<double>(kK * truth.size());
}

void BM_ExactSearch(benchmark::State& state) {
  const auto& d = dataset(Data::kTextLike);
  std::size_t q = 0;
  for (auto _ : state) {
    auto hits = d.exact->search(query(d, q++), kK, ItemFilter{});
    benchmark::DoNotOptimize(hits.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ExactSearch)->Name("exact_search")->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_ExactSearchBatch(benchmark::State& state) {
  const auto& d = dataset(Data::kTextLike);
  for (auto _ : state) {
    auto hits = d.exact->search_batch(d.queries, kK, ItemFilter{});
    benchmark::DoNotOptimize(hits.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kQueries));
}
BENCHMARK(BM_ExactSearchBatch)->Name("exact_search_batch")->Unit(benchmark::kMillisecond)->UseRealTime();

// Args: M, ef_construction, ef_search.
void BM_HnswSearch(benchmark::State& state, Data data) {
  const auto& d = dataset(data);
  Graph& g = graph(data, static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  g.index->set_ef_search(static_cast<int>(state.range(2)));
  std::size_t q = 0;
  for (auto _ : state) {
    auto hits = g.index->search(query(d, q++), kK, ItemFilter{});
    benchmark::DoNotOptimize(hits.data());
  }
  state.counters["recall@10"] = recall(d.truth, g.index->search_batch(d.queries, kK, ItemFilter{}));
  state.counters["build_s"] = g.build_seconds;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_HnswSearch, text_like, Data::kTextLike)
    ->Name("hnsw_search_text_like")
    ->ArgNames({"M", "efc", "ef"})
    ->Args({16, 200, 50})
    ->Args({16, 200, 100})
    ->Args({16, 200, 200})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_HnswSearch, isotropic, Data::kIsotropic)
    ->Name("hnsw_search_isotropic")
    ->ArgNames({"M", "efc", "ef"})
    ->ArgsProduct({{16}, {200}, {100, 400, 800, 1600, 3200, 6400}})
    ->ArgsProduct({{32}, {400}, {400, 800, 1200, 1600, 2400, 3200}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

void BM_HnswSearchExcluding(benchmark::State& state) {
  const auto& d = dataset(Data::kTextLike);
  Graph& g = graph(Data::kTextLike, 16, 200);
  g.index->set_ef_search(100);
  // The worst case for over-fetching: each query excludes its own 50 nearest items (and 500 others).
  const auto nearest = d.exact->search_batch(d.queries, 50, ItemFilter{});
  std::vector<ItemFilter> excludes;
  for (const auto& hits : nearest) {
    std::vector<mxn::ItemIndex> excluded;
    for (mxn::ItemIndex i = 0; i < 500; ++i) excluded.push_back(i * 199);
    for (const auto& h : hits) excluded.push_back(h.item);
    excludes.emplace_back(std::move(excluded));
  }
  std::size_t q = 0;
  for (auto _ : state) {
    const std::size_t i = q++ % kQueries;
    auto hits = g.index->search(query(d, i), kK, excludes[i]);
    benchmark::DoNotOptimize(hits.data());
  }
  std::vector<std::vector<ScoredItem>> truth;
  std::vector<std::vector<ScoredItem>> found;
  for (std::size_t i = 0; i < kQueries; ++i) {
    truth.push_back(d.exact->search(query(d, i), kK, excludes[i]));
    found.push_back(g.index->search(query(d, i), kK, excludes[i]));
  }
  state.counters["recall@10"] = recall(truth, found);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_HnswSearchExcluding)
    ->Name("hnsw_search_excluding")
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  if (std::getenv("OMP_NUM_THREADS") == nullptr) omp_set_num_threads(2);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

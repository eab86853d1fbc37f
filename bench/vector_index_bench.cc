// Vector search benchmarks (Google Benchmark) at 100,000 items x 384 dimensions, top-10 by inner product,
// no exclusions unless named. The vectors are random unit vectors with a low intrinsic dimension, like
// text embeddings: normalise(W z / 4 + 0.3 e), z ~ N(0, I_16), W a fixed random 384 x 16 matrix,
// e ~ N(0, I_384) (the data of tests/unit/models/vector_index_slow_test.cc). hnsw_* report recall@10
// against the exact index over the 200 benchmark queries.
//   exact_search:        one query, ExactIndex (blocked matrix-vector products on all threads)
//   exact_search_batch:  200 queries through search_batch (matrix-matrix products); items/s = queries/s
//   hnsw_search/<ef>:    one query, HnswIndex (M 16, ef_construction 200) at ef_search <ef>
//   hnsw_search_excluding: ef 100 excluding each query's 50 nearest items and 500 others (over-fetch path)
//   hnsw_build:          building the graph once (all threads)
// Threads: OpenMP, 2 unless OMP_NUM_THREADS says otherwise.
//
// Run: cmake -S . -B build-bench -DMXN_BENCH=ON && cmake --build build-bench --target vector_index_bench
//      build-bench/bench/vector_index_bench

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "models/vector_index.h"

namespace {

using mxn::models::ExactIndex;
using mxn::models::HnswIndex;
using mxn::models::HnswParams;
using mxn::models::ItemFilter;

constexpr std::size_t kItems = 100000;
constexpr std::size_t kDim = 384;
constexpr std::size_t kQueries = 200;

constexpr std::size_t kLatent = 16;

std::vector<float> unit_vectors(std::size_t n, std::uint32_t seed) {
  std::mt19937 w_rng(1);  // the same W for items and queries
  std::normal_distribution<float> normal;
  std::vector<float> w(kDim * kLatent);
  for (auto& x : w) x = normal(w_rng);
  std::mt19937 rng(seed);
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
}

const std::vector<float>& items() {
  static const std::vector<float> v = unit_vectors(kItems, 1);
  return v;
}

const std::vector<float>& queries() {
  static const std::vector<float> v = unit_vectors(kQueries, 2);
  return v;
}

const ExactIndex& exact() {
  static const ExactIndex index(items(), kDim);
  return index;
}

HnswIndex& hnsw() {
  static HnswIndex index(items(), kDim, HnswParams{});
  return index;
}

// Recall@10 of `index` over the benchmark queries against the exact answers.
double recall_at_10(const mxn::models::VectorIndex& index, const ItemFilter& exclude) {
  const auto truth = exact().search_batch(queries(), 10, exclude);
  const auto found = index.search_batch(queries(), 10, exclude);
  double hits = 0;
  for (std::size_t q = 0; q < kQueries; ++q) {
    std::set<mxn::ItemIndex> expected;
    for (const auto& h : truth[q]) expected.insert(h.item);
    for (const auto& h : found[q]) hits += static_cast<double>(expected.count(h.item));
  }
  return hits / (10.0 * kQueries);
}

void BM_ExactSearch(benchmark::State& state) {
  const auto& index = exact();
  std::size_t q = 0;
  for (auto _ : state) {
    auto hits = index.search(std::span<const float>(queries().data() + (q++ % kQueries) * kDim, kDim), 10, ItemFilter{});
    benchmark::DoNotOptimize(hits.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ExactSearch)->Name("exact_search")->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_ExactSearchBatch(benchmark::State& state) {
  const auto& index = exact();
  for (auto _ : state) {
    auto hits = index.search_batch(queries(), 10, ItemFilter{});
    benchmark::DoNotOptimize(hits.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kQueries));
}
BENCHMARK(BM_ExactSearchBatch)->Name("exact_search_batch")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_HnswSearch(benchmark::State& state) {
  auto& index = hnsw();
  index.set_ef_search(static_cast<int>(state.range(0)));
  std::size_t q = 0;
  for (auto _ : state) {
    auto hits = index.search(std::span<const float>(queries().data() + (q++ % kQueries) * kDim, kDim), 10, ItemFilter{});
    benchmark::DoNotOptimize(hits.data());
  }
  state.counters["recall@10"] = recall_at_10(index, ItemFilter{});
  index.set_ef_search(100);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_HnswSearch)->Name("hnsw_search")->ArgName("ef")->Arg(50)->Arg(100)->Arg(200)
    ->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_HnswSearchExcluding(benchmark::State& state) {
  const auto& index = hnsw();
  // The worst case for over-fetching: the items nearest to every query are excluded.
  std::vector<mxn::ItemIndex> excluded;
  for (mxn::ItemIndex i = 0; i < 500; ++i) excluded.push_back(i * 199);
  for (const auto& hits : exact().search_batch(queries(), 50, ItemFilter{})) {
    for (const auto& h : hits) excluded.push_back(h.item);
  }
  const ItemFilter exclude(excluded);
  std::size_t q = 0;
  for (auto _ : state) {
    auto hits = index.search(std::span<const float>(queries().data() + (q++ % kQueries) * kDim, kDim), 10, exclude);
    benchmark::DoNotOptimize(hits.data());
  }
  state.counters["recall@10"] = recall_at_10(index, exclude);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_HnswSearchExcluding)->Name("hnsw_search_excluding")->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_HnswBuild(benchmark::State& state) {
  for (auto _ : state) {
    HnswIndex index(items(), kDim, HnswParams{});
    benchmark::DoNotOptimize(&index);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kItems));
}
BENCHMARK(BM_HnswBuild)->Name("hnsw_build")->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  if (std::getenv("OMP_NUM_THREADS") == nullptr) omp_set_num_threads(2);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// CPU per recommendation inside the engine, without HTTP: RecommendationEngine::recommend for random users
// of one domain, top 10, for each model alone and for the blend the domain serves by default (its enabled
// models at their configured weights); p50_us and p99_us are the wall-time percentiles of single calls.
// BM_RecommendAndLog is the call behind POST /recommendations and Python's engine.recommend (the list, and
// the record of what was served); bench/python_bench.sh compares it with the same calls from Python. It
// runs mxn as the server and the Python module do (api::Runtime) over the warehouse and model store that the
// configuration names (config/config.yaml when it exists, then MXN_* variables), so it needs a seeded and
// trained warehouse that no server holds; bench/api_bench.sh runs it on its own.
//
//   MXN_WAREHOUSE_PATH=... MXN_MODELS_STORE_DIR=... build-bench/bench/engine_bench
//   Environment: MXN_BENCH_USERS (10000), MXN_BENCH_DOMAIN (movies).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "api/handlers.h"
#include "api/runtime.h"
#include "core/config.h"
#include "core/log.h"

namespace {

mxn::api::Services& services() {
  static const mxn::config::Config config = [] {
    mxn::log::set_level("warn");
    return mxn::config::load(std::filesystem::exists("config/config.yaml") ? "config/config.yaml" : "");
  }();
  static mxn::api::Runtime runtime(config, /*with_scheduler=*/false);
  return runtime.services();
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

/// What changes between two filtered requests (see BM_RecommendFiltered).
enum class Between { kNothing, kFilter, kCatalog, kOtherCatalog };

/// `call(request)` for random users, top 10, of `models` (and `catalog`'s rules, with `between` done before
/// each request), with the list's length and p50/p99 as counters.
template <typename Call>
void measure(benchmark::State& state, std::vector<std::string> models, const Call& call,
             mxn::engine::CatalogFilter catalog = {}, Between between = Between::kNothing) {
  const int users = env_int("MXN_BENCH_USERS", 10000);
  const char* domain = std::getenv("MXN_BENCH_DOMAIN");
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> pick(1, users);
  mxn::engine::RecommendRequest request;
  request.domain = domain ? domain : "movies";
  request.top_k = 10;
  request.model_types = std::move(models);
  request.filters.catalog = std::move(catalog);
  std::size_t items = 0;
  std::vector<double> micros;
  for (auto _ : state) {
    request.user_id = "user" + std::to_string(pick(rng));
    const auto n = micros.size();
    if (between ==
        Between::kFilter) {  // 1979.xxxxx: each a new filter that passes the same movies as >= 1980
      request.filters.catalog.metadata[0].gte = 1979.0 + static_cast<double>(n % 100000) * 1e-5;
    } else if (between == Between::kCatalog || between == Between::kOtherCatalog) {  // as PUT /items does
      const bool here = between == Between::kCatalog;
      services().engine.observe_item({.domain = here ? request.domain : "tasks",
                                      .item_id = (here ? "movie_" : "task_") + std::to_string(n % 1000 + 1),
                                      .title = "Changed",
                                      .tags = {n % 2 ? "Drama" : "Horror"},
                                      .metadata = R"({"year": 1990})"});
    }
    const auto start = std::chrono::steady_clock::now();
    items += call(request).items.size();
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  state.counters["items_per_list"] = static_cast<double>(items) / static_cast<double>(state.iterations());
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) {
    return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))];
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
}

void BM_Recommend(benchmark::State& state, std::vector<std::string> models) {
  auto& engine = services().engine;
  measure(state, std::move(models),
          [&](const mxn::engine::RecommendRequest& r) { return engine.recommend(r); });
}

/// The filter of bench/api_bench.sh's filtered run (about a third of the seeded movies pass), repeated; the
/// engine keeps a filter's matching items. `between` each request: nothing; a new year bound (passing the
/// same movies: the cost of a filter not seen before); one movie's tags changed (as a PUT /items would: the
/// kept items are brought up to date); one task changed (another domain's catalog).
void BM_RecommendFiltered(benchmark::State& state, std::vector<std::string> models, Between between) {
  auto& engine = services().engine;
  mxn::engine::CatalogFilter catalog{.tags_any = {"Drama", "Comedy", "Thriller"},
                                     .metadata = {{.key = "year", .gte = 1980}}};
  measure(
      state, std::move(models), [&](const mxn::engine::RecommendRequest& r) { return engine.recommend(r); },
      std::move(catalog), between);
}

void BM_RecommendAndLog(benchmark::State& state, std::vector<std::string> models) {
  auto& s = services();
  measure(state, std::move(models),
          [&](const mxn::engine::RecommendRequest& r) { return mxn::api::recommend_and_log(s, r).first; });
}

BENCHMARK_CAPTURE(BM_Recommend, knn, {"knn"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, collab, {"collab"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, ease, {"ease"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, rp3beta, {"rp3beta"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, embedding, {"embedding"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, served_blend, {})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_RecommendFiltered, knn_collab_embedding, {"knn", "collab", "embedding"},
                  Between::kNothing)
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_RecommendFiltered, knn_collab_embedding_new_filter, {"knn", "collab", "embedding"},
                  Between::kFilter)
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, knn_collab_embedding, {"knn", "collab", "embedding"})
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_RecommendAndLog, knn, {"knn"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_RecommendAndLog, served_blend, {})
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime();
// Last: these change the catalog (a thousand movies end up retagged and the filter's matching items with
// them).
BENCHMARK_CAPTURE(BM_RecommendFiltered, knn_collab_embedding_task_changed, {"knn", "collab", "embedding"},
                  Between::kOtherCatalog)
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_RecommendFiltered, knn_collab_embedding_item_changed, {"knn", "collab", "embedding"},
                  Between::kCatalog)
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();

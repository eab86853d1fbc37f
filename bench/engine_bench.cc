// CPU per recommendation inside the engine, without HTTP: RecommendationEngine::recommend for random users
// of one domain, top 10, for each model alone and for the blend the domain serves by default (its enabled
// models at their configured weights); p50_us and p99_us are the wall-time percentiles of single calls. It
// opens the warehouse and the model store that the configuration names (config/config.yaml when it exists,
// then MXN_* variables), so it needs a seeded and trained warehouse that no server holds; bench/api_bench.sh
// runs it on its own.
//
//   MXN_WAREHOUSE_PATH=... MXN_MODELS_STORE_DIR=... build-bench/bench/engine_bench
//   Environment: MXN_BENCH_USERS (10000), MXN_BENCH_DOMAIN (movies).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/log.h"
#include "engine/model_store.h"
#include "engine/recommendation_engine.h"
#include "warehouse/warehouse.h"

namespace {

struct Served {
  mxn::config::Config config;
  std::unique_ptr<mxn::warehouse::Warehouse> warehouse;
  std::unique_ptr<mxn::engine::ModelStore> store;
  std::unique_ptr<mxn::engine::RecommendationEngine> engine;
};

Served& served() {
  static Served s = [] {
    Served out;
    const std::string path = std::filesystem::exists("config/config.yaml") ? "config/config.yaml" : "";
    out.config = mxn::config::load(path);
    mxn::log::set_level("warn");
    out.warehouse = std::make_unique<mxn::warehouse::Warehouse>(out.config.warehouse);
    out.store = std::make_unique<mxn::engine::ModelStore>(out.config.models.store_dir, out.config.models.versions_kept);
    out.engine = std::make_unique<mxn::engine::RecommendationEngine>(*out.warehouse, *out.store, out.config);
    out.engine->start();
    return out;
  }();
  return s;
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

void BM_Recommend(benchmark::State& state, std::vector<std::string> models) {
  auto& engine = *served().engine;
  const int users = env_int("MXN_BENCH_USERS", 10000);
  const char* domain = std::getenv("MXN_BENCH_DOMAIN");
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> pick(1, users);
  mxn::engine::RecommendRequest request;
  request.domain = domain ? domain : "movies";
  request.top_k = 10;
  request.model_types = std::move(models);
  std::size_t items = 0;
  std::vector<double> micros;
  for (auto _ : state) {
    request.user_id = "user" + std::to_string(pick(rng));
    const auto start = std::chrono::steady_clock::now();
    items += engine.recommend(request).items.size();
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

BENCHMARK_CAPTURE(BM_Recommend, knn, {"knn"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, collab, {"collab"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, ease, {"ease"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, rp3beta, {"rp3beta"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, embedding, {"embedding"})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Recommend, served_blend, {})->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();

// Ingestion throughput: concurrent single BehaviorTracker::track calls (group commit), track_many in batches
// of 10,000, DuckDB's own floor for those commits (BM_DuckDbFloor), the bulk appender path (one transaction of
// 10 million rows, as the seed generator uses it), and CSV import of 5 million rows through DuckDB's read_csv.
// Every figure is interactions committed per second of wall time, on a fresh warehouse file in a temporary
// directory.
//
//   cmake -S . -B build-bench -DMXN_BENCH=ON && cmake --build build-bench -j2 --target ingest_bench
//   build-bench/bench/ingest_bench

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "core/interaction.h"
#include "core/log.h"
#include "core/time.h"
#include "tracking/behavior_tracker.h"
#include "warehouse/appender.h"
#include "warehouse/connection.h"
#include "warehouse/data_chunk.h"
#include "warehouse/transaction.h"
#include "warehouse/warehouse.h"

namespace {

constexpr int kUsers = 20'000;
constexpr int kItems = 50'000;
const char* const kTypes[] = {"view", "view", "view", "click", "play", "like", "rating", "complete", "skip"};

/// A directory under the system temp dir, removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mxn-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string id(char prefix, long n) {
  std::string out(1, prefix);
  out += std::to_string(n);
  return out;
}

mxn::Interaction random_interaction(std::mt19937_64& rng, const std::string& domain) {
  mxn::Interaction in;
  in.user_id = id('u', static_cast<long>(rng() % kUsers));
  in.domain = domain;
  in.item_id = id('m', static_cast<long>(rng() % kItems));
  in.type = kTypes[rng() % std::size(kTypes)];
  if (in.type == "rating") in.rating = 0.5 * static_cast<double>(1 + rng() % 10);
  return in;
}

mxn::config::WarehouseConfig bench_config(const ScratchDir& dir) {
  mxn::config::WarehouseConfig config;
  config.path = dir.file("warehouse.duckdb");
  config.threads = 2;
  config.memory_limit = "8GB";
  return config;
}

std::map<std::string, mxn::config::DomainConfig> bench_domains() {
  std::map<std::string, mxn::config::DomainConfig> domains;
  domains["movies"] = mxn::config::DomainConfig{};
  domains["music"] = mxn::config::DomainConfig{};
  return domains;
}

/// One warehouse and tracker shared by the threads of a threaded benchmark. The catalogs of both domains are
/// loaded first, as `mxn seed` and the catalog API do; users are created on first sight during the run.
struct TrackerFixture {
  TrackerFixture() {
    for (const char* domain : {"movies", "music"}) {
      std::vector<mxn::warehouse::CatalogItem> items(kItems);
      for (int i = 0; i < kItems; ++i) {
        items[i].domain = domain;
        items[i].item_id = id('m', i);
        items[i].title = "Item " + std::to_string(i);
      }
      warehouse.upsert_items(items);
    }
  }
  ScratchDir dir;
  mxn::config::WarehouseConfig config = bench_config(dir);
  mxn::warehouse::Warehouse warehouse{config};
  mxn::tracking::BehaviorTracker tracker{warehouse, mxn::config::InteractionsConfig{}, bench_domains(), config};
};

std::unique_ptr<TrackerFixture> shared_fixture;

void BM_TrackConcurrent(benchmark::State& state) {
  if (state.thread_index() == 0) shared_fixture = std::make_unique<TrackerFixture>();
  std::mt19937_64 rng(1234 + static_cast<std::uint64_t>(state.thread_index()));
  for (auto _ : state) {
    shared_fixture->tracker.track(random_interaction(rng, "movies"));
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const auto commits = static_cast<double>(shared_fixture->tracker.commits());
    state.counters["commits"] = commits;
    state.counters["rows_per_commit"] =
        static_cast<double>(state.iterations()) * state.threads() / std::max(commits, 1.0);
    shared_fixture.reset();
  }
}
BENCHMARK(BM_TrackConcurrent)->Threads(8)->Iterations(600)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TrackConcurrent)->Threads(64)->Iterations(500)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_TrackMany10k(benchmark::State& state) {
  TrackerFixture fixture;
  std::mt19937_64 rng(99);
  std::vector<std::vector<mxn::Interaction>> batches(8);
  for (auto& batch : batches) {
    for (int i = 0; i < 10'000; ++i) batch.push_back(random_interaction(rng, "music"));
  }
  std::size_t next = 0;
  for (auto _ : state) {
    fixture.tracker.track_many(batches[next++ % batches.size()]);
  }
  state.SetItemsProcessed(state.iterations() * 10'000);
}
BENCHMARK(BM_TrackMany10k)->Iterations(100)->UseRealTime()->Unit(benchmark::kMillisecond);

// The same batches straight into Warehouse::append_interactions: what track_many costs beyond the warehouse.
void BM_AppendBatch10k(benchmark::State& state) {
  TrackerFixture fixture;
  std::mt19937_64 rng(99);
  std::vector<std::vector<mxn::warehouse::InteractionRecord>> batches(8);
  const auto now = mxn::now_us();
  for (auto& batch : batches) {
    for (int i = 0; i < 10'000; ++i) {
      auto in = random_interaction(rng, "music");
      mxn::warehouse::InteractionRecord r;
      r.weight = fixture.tracker.validator().weight(in);
      r.user_id = std::move(in.user_id);
      r.domain = std::move(in.domain);
      r.item_id = std::move(in.item_id);
      r.type = std::move(in.type);
      r.rating = in.rating;
      r.timestamp_us = now;
      batch.push_back(std::move(r));
    }
  }
  std::size_t next = 0;
  for (auto _ : state) {
    fixture.warehouse.append_interactions(batches[next++ % batches.size()]);
  }
  state.SetItemsProcessed(state.iterations() * 10'000);
}
BENCHMARK(BM_AppendBatch10k)->Iterations(100)->UseRealTime()->Unit(benchmark::kMillisecond);

// DuckDB's floor for the two paths above: the same rows appended to a table with user_interactions' columns
// (no users, no catalog, no validation, no group-commit writer) in one transaction per batch, through the same
// thin wrappers. Batches of 10,000 compare with BM_TrackMany10k, batches of 64 from one thread with
// BM_TrackConcurrent/threads:64 (its commits carry 55-64 rows). Each COMMIT writes the WAL and fsyncs it, and
// the commit that takes the WAL past 16 MB also checkpoints (compresses) the table.
void BM_DuckDbFloor(benchmark::State& state) {
  const auto batch_rows = static_cast<std::size_t>(state.range(0));
  ScratchDir dir;
  mxn::warehouse::Warehouse warehouse(bench_config(dir));
  auto connection = warehouse.connections().acquire();
  connection->execute("CREATE TABLE floor_interactions AS SELECT * FROM user_interactions LIMIT 0");
  std::vector<mxn::warehouse::LogicalType> types;
  for (duckdb_type t : {DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR,
                        DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_DOUBLE, DUCKDB_TYPE_DOUBLE, DUCKDB_TYPE_TIMESTAMP,
                        DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_TIMESTAMP}) {
    types.emplace_back(t);
  }
  std::mt19937_64 rng(99);
  std::vector<mxn::Interaction> rows(8 * batch_rows);
  for (auto& row : rows) row = random_interaction(rng, "music");
  const auto now = mxn::now_us();
  const auto text_column = [](const mxn::Interaction& x, std::size_t column) -> const std::string& {
    switch (column) {
      case 1: return x.user_id;
      case 2: return x.domain;
      case 3: return x.item_id;
      default: return x.type;
    }
  };
  std::int64_t id = 1;
  std::size_t next = 0;
  mxn::warehouse::DataChunk chunk(types);
  for (auto _ : state) {
    mxn::warehouse::Transaction transaction(*connection);
    mxn::warehouse::Appender appender(*connection, "floor_interactions");
    // Column by column, a chunk at a time.
    for (std::size_t done = 0; done < batch_rows;) {
      const std::size_t n = std::min(mxn::warehouse::DataChunk::capacity(), batch_rows - done);
      const auto in = [&](std::size_t r) -> const mxn::Interaction& { return rows[(next + r) % rows.size()]; };
      for (std::size_t r = 0; r < n; ++r) chunk.set_int64(0, r, id + static_cast<std::int64_t>(r));
      for (std::size_t column : {1, 2, 3, 4}) {
        for (std::size_t r = 0; r < n; ++r) chunk.set_varchar(column, r, text_column(in(r), column));
      }
      for (std::size_t r = 0; r < n; ++r) {
        if (in(r).rating) {
          chunk.set_double(5, r, *in(r).rating);
        } else {
          chunk.set_null(5, r);
        }
      }
      for (std::size_t r = 0; r < n; ++r) {
        chunk.set_double(6, r, 1.0);
        chunk.set_int64(7, r, now);
        chunk.set_null(8, r);
        chunk.set_int64(9, r, now);
      }
      chunk.set_size(n);
      appender.append(chunk);
      chunk.reset();
      id += static_cast<std::int64_t>(n);
      next += n;
      done += n;
    }
    appender.close();
    transaction.commit();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch_rows));
}
BENCHMARK(BM_DuckDbFloor)->Arg(10'000)->Iterations(100)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DuckDbFloor)->Arg(64)->Iterations(500)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_BulkAppend10M(benchmark::State& state) {
  const std::size_t rows = 10'000'000;
  mxn::tracking::InteractionValidator weights(mxn::config::InteractionsConfig{}, bench_domains());
  std::vector<mxn::warehouse::InteractionRecord> records(rows);
  std::mt19937_64 rng(7);
  const std::int64_t start = mxn::now_us() - 365 * mxn::kMicrosPerDay;
  for (std::size_t i = 0; i < rows; ++i) {
    auto in = random_interaction(rng, "movies");
    auto& r = records[i];
    r.weight = weights.weight(in);
    r.user_id = std::move(in.user_id);
    r.domain = std::move(in.domain);
    r.item_id = std::move(in.item_id);
    r.type = std::move(in.type);
    r.rating = in.rating;
    r.timestamp_us = start + static_cast<std::int64_t>(i) * 3'000'000;
  }
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = std::make_unique<ScratchDir>();
    auto warehouse = std::make_unique<mxn::warehouse::Warehouse>(bench_config(*dir));
    state.ResumeTiming();
    warehouse->append_interactions(records);
    state.PauseTiming();
    warehouse.reset();
    dir.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
}
BENCHMARK(BM_BulkAppend10M)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_ImportCsv5M(benchmark::State& state) {
  const long rows = 5'000'000;
  ScratchDir csv_dir;
  const std::string csv = csv_dir.file("interactions.csv");
  {
    std::ofstream out(csv, std::ios::binary);
    out << "user_id,domain,item_id,interaction_type,rating,timestamp\n";
    std::mt19937_64 rng(5);
    const std::int64_t start = mxn::now_us() - 365 * mxn::kMicrosPerDay;
    std::string line;
    for (long i = 0; i < rows; ++i) {
      auto in = random_interaction(rng, "movies");
      line.clear();
      line += in.user_id;
      line += ",movies,";
      line += in.item_id;
      line += ',';
      line += in.type;
      line += ',';
      if (in.rating) line += std::to_string(*in.rating).substr(0, 3);
      line += ',';
      line += mxn::format_iso8601(start + i * 6'000'000);
      line += '\n';
      out << line;
    }
  }
  mxn::warehouse::CsvImportOptions options;
  mxn::config::InteractionsConfig interactions;
  options.type_weights = interactions.types;
  for (const auto& [name, domain] : bench_domains()) options.domains[name] = domain.ratings;
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = std::make_unique<ScratchDir>();
    auto warehouse = std::make_unique<mxn::warehouse::Warehouse>(bench_config(*dir));
    state.ResumeTiming();
    const auto imported = warehouse->import_interactions_csv(csv, options);
    state.PauseTiming();
    if (imported != rows) state.SkipWithError("not every row was imported");
    warehouse.reset();
    dir.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(BM_ImportCsv5M)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  const char* level = std::getenv("MXN_LOG_LEVEL");  // e.g. info: per-phase timings of the import
  mxn::log::set_level(level != nullptr ? level : "warn");
  std::printf("mxn ingest benchmark: %u hardware threads, DuckDB file in %s\n",
              std::thread::hardware_concurrency(), std::filesystem::temp_directory_path().c_str());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

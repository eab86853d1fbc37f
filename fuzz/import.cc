// Fuzz target: a CSV file given to `mxn import`'s importers, with the shipped config's types, domains and
// limits. The first input byte picks interactions or items; the rest is the file. Promises: the import
// succeeds or fails with an mxn::Error (never another exception, never a crash); a failed import writes
// nothing; reading the file (as `mxn evaluate` reads a test file) agrees with importing it.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/log.h"
#include "test_util.h"
#include "warehouse/warehouse.h"

namespace {

using namespace mxn;

struct Running {
  config::Config config = config::load(MXN_SOURCE_DIR "/config/config.yaml");
  testing::TempDir dir;
  std::string file = dir.file("input.csv");
  warehouse::Warehouse warehouse{config::WarehouseConfig{.path = ":memory:"}};
  warehouse::CsvImportOptions interactions;

  Running() {
    interactions.type_weights = config.interactions.types;
    interactions.max_metadata_bytes = config.interactions.max_metadata_bytes;
    for (const auto& [name, d] : config.domains) {
      if (d.enabled) interactions.domains[name] = d.ratings;
    }
  }
};

Running& running() {
  static Running* r = [] {
    log::set_level("error");
    return new Running;  // never destroyed: the fuzzer exits the process
  }();
  return *r;
}

void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_import: %s\n", what.c_str());
  std::abort();
}

std::int64_t interactions_count(const warehouse::Warehouse& w) {
  return w.domain_stats("movies").n_interactions;
}
std::int64_t items_count(const warehouse::Warehouse& w) { return w.domain_stats("movies").n_catalog_items; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return -1;
  Running& r = running();
  std::ofstream(r.file, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  if (data[0] % 2 == 0) {
    warehouse::CsvImportOptions o = r.interactions;
    o.fixed_domain = "movies";
    o.domain_col.clear();
    std::optional<std::int64_t> read;
    try {
      std::int64_t rows = 0;
      r.warehouse.read_interactions_file(r.file, o, [&](const warehouse::InteractionRecord&) { ++rows; });
      read = rows;
    } catch (const Error&) {
    }
    const std::int64_t before = interactions_count(r.warehouse);
    try {
      const std::int64_t imported = r.warehouse.import_interactions_csv(r.file, o);
      if (!read || *read != imported) fail("reading and importing the same file disagree");
      if (interactions_count(r.warehouse) != before + imported)
        fail("the import's count is not what was written");
    } catch (const Error&) {
      if (read) fail("the file reads but does not import");
      if (interactions_count(r.warehouse) != before) fail("a failed import wrote rows");
    }
  } else {
    const std::int64_t before = items_count(r.warehouse);
    try {
      r.warehouse.import_items(r.file, {.domain = "movies"});
    } catch (const Error&) {
      if (items_count(r.warehouse) != before) fail("a failed item import wrote rows");
    }
  }
  return 0;
}

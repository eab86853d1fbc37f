#include "warehouse/database.h"

#include <filesystem>
#include <map>
#include <utility>

#include "core/error.h"
#include "core/log.h"
#include "warehouse/lock_conflict.h"

namespace mxn::warehouse {

namespace {

constexpr std::string_view kMemory = ":memory:";

// Weak references to the open databases of this process by canonical path. Entries whose database has closed
// are replaced on the next open of that path; nothing here needs resetting between tests.
struct Registry {
  std::mutex mutex;
  std::map<std::string, std::weak_ptr<Database>> open;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

class DuckConfig {
 public:
  DuckConfig() {
    if (duckdb_create_config(&config_) != DuckDBSuccess) throw Error(Code::kInternal, "duckdb_create_config failed");
  }
  ~DuckConfig() { duckdb_destroy_config(&config_); }
  DuckConfig(const DuckConfig&) = delete;
  DuckConfig& operator=(const DuckConfig&) = delete;

  void set(const char* name, const std::string& value, const char* field = "") {
    if (duckdb_set_config(config_, name, value.c_str()) != DuckDBSuccess) {
      throw Error(Code::kInvalidArgument, "DuckDB rejects " + std::string(name) + " = '" + value + "'", field);
    }
  }
  duckdb_config get() const { return config_; }

 private:
  duckdb_config config_ = nullptr;
};

std::string canonical_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) throw Error(Code::kInvalidArgument, "bad warehouse path '" + path + "': " + ec.message(), "warehouse.path");
  if (absolute.has_parent_path()) {
    fs::create_directories(absolute.parent_path(), ec);
    if (ec) {
      throw Error(Code::kFailedPrecondition,
                  "cannot create the directory of warehouse " + path + ": " + ec.message(), "warehouse.path");
    }
  }
  fs::path canonical = fs::weakly_canonical(absolute, ec);
  return ec ? absolute.lexically_normal().string() : canonical.string();
}

}  // namespace

std::shared_ptr<Database> Database::open(const config::WarehouseConfig& config) {
  if (config.path.empty() || config.path == kMemory) return open_file(std::string(kMemory), config);
  const std::string path = canonical_path(config.path);
  Registry& reg = registry();
  std::lock_guard lock(reg.mutex);
  if (auto it = reg.open.find(path); it != reg.open.end()) {
    if (auto existing = it->second.lock()) return existing;
  }
  auto database = open_file(path, config);
  reg.open[path] = database;
  return database;
}

std::shared_ptr<Database> Database::open_file(const std::string& path, const config::WarehouseConfig& config) {
  DuckConfig settings;
  if (config.threads > 0) settings.set("threads", std::to_string(config.threads), "warehouse.threads");
  if (!config.memory_limit.empty()) settings.set("memory_limit", config.memory_limit, "warehouse.memory_limit");
  // Machines running mxn are offline: never fetch or silently load extensions.
  settings.set("autoinstall_known_extensions", "false");
  settings.set("autoload_known_extensions", "false");

  duckdb_database raw = nullptr;
  char* error = nullptr;
  const char* target = path == kMemory ? nullptr : path.c_str();
  if (duckdb_open_ext(target, &raw, settings.get(), &error) != DuckDBSuccess) {
    std::string message = error != nullptr ? error : "unknown error";
    if (error != nullptr) duckdb_free(error);
    if (auto conflict = lock_conflict_error(config.path, message)) throw *conflict;
    throw Error(Code::kUnavailable, "cannot open warehouse " + config.path + ": " + message, "warehouse.path");
  }
  auto database = std::make_shared<Database>(Token{}, path, raw);

  // Timestamps are UTC everywhere; TIMESTAMPTZ casts (CSV import) must not depend on the host's zone.
  duckdb_connection connection = nullptr;
  if (duckdb_connect(raw, &connection) == DuckDBSuccess) {
    duckdb_result result;
    if (duckdb_query(connection, "SET GLOBAL TimeZone = 'UTC'", &result) != DuckDBSuccess) {
      log::debug("warehouse.timezone_unset", "error", duckdb_result_error(&result));
    }
    duckdb_destroy_result(&result);
    duckdb_disconnect(&connection);
  }
  log::debug("warehouse.open", "path", path, "threads", config.threads, "memory_limit", config.memory_limit);
  return database;
}

Database::~Database() {
  if (database_ != nullptr) duckdb_close(&database_);
}

}  // namespace mxn::warehouse

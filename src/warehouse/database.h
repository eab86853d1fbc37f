#pragma once
// Owns the one duckdb_database of a warehouse file in this process. DuckDB must not open a file twice in one
// process (the two instances would overwrite each other's writes), so open() keeps a process-wide registry
// keyed by canonical path, holding weak references: every caller of the same file shares one Database, which
// is closed when the last Connection/Warehouse using it goes away. A file held by another process is an
// Error{kFailedPrecondition} that names that process and points at the running server's API.

#include <duckdb.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/config.h"
#include "warehouse/seen_index.h"

namespace mxn::warehouse {

class Database {
 public:
  /// The database of `config.path` (":memory:" gives a private in-memory one), opened with `config.threads`
  /// DuckDB threads and `config.memory_limit`, extension auto-install/auto-load off, time zone UTC. Creates
  /// the parent directory when missing. An already open file is returned as is (its settings unchanged).
  static std::shared_ptr<Database> open(const config::WarehouseConfig& config);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Canonical absolute path, or ":memory:".
  const std::string& path() const { return path_; }
  duckdb_database get() const { return database_; }

  /// Serialises the warehouse's writers in this process (DuckDB would abort one of two transactions that
  /// touch the same rows) and guards the writer state below.
  std::mutex& write_mutex() { return write_mutex_; }
  /// Next user_interactions.id to assign; -1 until read from the table. Guarded by write_mutex().
  std::int64_t next_interaction_id = -1;
  /// The users/catalog mirror of the write path. Guarded by write_mutex().
  SeenIndex seen;

 private:
  struct Token {};

 public:
  Database(Token, std::string path, duckdb_database database) : path_(std::move(path)), database_(database) {}

 private:
  static std::shared_ptr<Database> open_file(const std::string& path, const config::WarehouseConfig& config);

  std::string path_;
  duckdb_database database_ = nullptr;
  std::mutex write_mutex_;
};

}  // namespace mxn::warehouse

#pragma once
// Owns a duckdb_connection to a shared Database (kept alive by it). A connection is used by one thread at a
// time; Warehouse hands them out from a ConnectionPool.

#include <duckdb.h>

#include <memory>
#include <string_view>

#include "warehouse/prepared_statement.h"
#include "warehouse/result.h"

namespace mxn::warehouse {

class Database;

class Connection {
 public:
  explicit Connection(std::shared_ptr<Database> database);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs SQL without values (DDL, BEGIN/COMMIT); several statements may be separated by ';'.
  void execute(std::string_view sql);
  /// Runs one statement without parameters and returns its rows.
  Result query(std::string_view sql);
  PreparedStatement prepare(std::string_view sql);

  duckdb_connection get() const { return connection_; }
  Database& database() const { return *database_; }

 private:
  std::shared_ptr<Database> database_;
  duckdb_connection connection_ = nullptr;
};

}  // namespace mxn::warehouse

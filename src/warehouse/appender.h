#pragma once
// Owns a duckdb_appender: the bulk path into a table, or into a query that reads the appended rows as a
// table (INSERT ... SELECT ... FROM batch ON CONFLICT ..., a set-based upsert with no per-row statement).
// Rows go in as DataChunks. Appends join the connection's open transaction, if any.

#include <duckdb.h>

#include <string>
#include <string_view>
#include <vector>

#include "warehouse/data_chunk.h"
#include "warehouse/logical_type.h"

namespace mxn::warehouse {

class Connection;

class Appender {
 public:
  /// Appends whole rows (every column, in table order) to `table`.
  Appender(Connection& connection, std::string_view table);
  /// Runs `sql` over the appended rows, which it reads as table `alias` with `column_names` of `types`.
  Appender(Connection& connection, std::string_view sql, const std::vector<LogicalType>& types, std::string_view alias,
           const std::vector<std::string>& column_names);
  /// Destroys without flushing errors into view; call close() to see them.
  ~Appender();
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;

  void append(const DataChunk& chunk);
  /// Writes buffered rows (runs the query for query appenders).
  void flush();
  /// Flushes and closes; no appends after.
  void close();

 private:
  [[noreturn]] void fail(std::string_view action);

  duckdb_appender appender_ = nullptr;
  bool closed_ = false;
  std::string target_;  // table name or query, for messages
};

}  // namespace mxn::warehouse

#pragma once
// Owns a duckdb_prepared_statement. Every value mxn sends to DuckDB goes through bind_* (parameters are
// numbered from 1, as $1, $2, ... in the SQL) or through an Appender, never into SQL text.

#include <duckdb.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "warehouse/result.h"

namespace mxn::warehouse {

class Connection;

class PreparedStatement {
 public:
  /// Prepares `sql` on `connection`; Error with DuckDB's message when it does not parse or bind.
  PreparedStatement(Connection& connection, std::string_view sql);
  ~PreparedStatement();
  PreparedStatement(PreparedStatement&& other) noexcept;
  PreparedStatement& operator=(PreparedStatement&& other) noexcept;
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;

  PreparedStatement& bind_varchar(std::size_t index, std::string_view value);
  PreparedStatement& bind_int64(std::size_t index, std::int64_t value);
  PreparedStatement& bind_double(std::size_t index, double value);
  PreparedStatement& bind_bool(std::size_t index, bool value);
  /// TIMESTAMP from epoch microseconds.
  PreparedStatement& bind_timestamp(std::size_t index, std::int64_t epoch_us);
  PreparedStatement& bind_null(std::size_t index);
  /// VARCHAR; NULL when `value` is empty.
  PreparedStatement& bind_varchar_or_null(std::size_t index, std::string_view value);
  PreparedStatement& bind_optional_double(std::size_t index, const std::optional<double>& value);
  PreparedStatement& bind_optional_int64(std::size_t index, const std::optional<std::int64_t>& value);
  PreparedStatement& bind_optional_timestamp(std::size_t index, const std::optional<std::int64_t>& epoch_us);
  PreparedStatement& bind_varchar_list(std::size_t index, std::span<const std::string> values);
  PreparedStatement& bind_double_list(std::size_t index, std::span<const double> values);
  PreparedStatement& bind_float_list(std::size_t index, std::span<const float> values);

  /// Runs the statement with the current bindings; the result is materialized (large scans go in windows).
  Result execute();

 private:
  void check(duckdb_state state, std::size_t index);

  duckdb_prepared_statement statement_ = nullptr;
  std::string sql_;  // for error messages
};

}  // namespace mxn::warehouse

#pragma once
// Owns a duckdb_logical_type (destroyed with it). Column types of appenders and data chunks are built from these.

#include <duckdb.h>

namespace mxn::warehouse {

class LogicalType {
 public:
  /// A primitive type such as DUCKDB_TYPE_VARCHAR.
  explicit LogicalType(duckdb_type type);
  /// LIST(child).
  static LogicalType list_of(duckdb_type child);
  ~LogicalType();
  LogicalType(LogicalType&& other) noexcept;
  LogicalType& operator=(LogicalType&& other) noexcept;
  LogicalType(const LogicalType&) = delete;
  LogicalType& operator=(const LogicalType&) = delete;

  duckdb_logical_type get() const { return type_; }

 private:
  explicit LogicalType(duckdb_logical_type owned) : type_(owned) {}
  duckdb_logical_type type_ = nullptr;
};

}  // namespace mxn::warehouse

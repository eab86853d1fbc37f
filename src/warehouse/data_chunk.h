#pragma once
// Owns a duckdb_data_chunk: up to capacity() rows of typed columns. Query results arrive as chunks (read
// with the typed getters), and appenders take chunks (filled with the setters), which is how mxn moves
// millions of rows without a DuckDB call per value. Column pointers are cached, so getters and setters cost
// a type check and a memory access.

#include <duckdb.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warehouse/logical_type.h"

namespace mxn::warehouse {

class DataChunk {
 public:
  /// An empty writable chunk with one column per type.
  explicit DataChunk(const std::vector<LogicalType>& types);
  /// Takes ownership of a chunk DuckDB produced.
  explicit DataChunk(duckdb_data_chunk owned);
  ~DataChunk();
  DataChunk(DataChunk&& other) noexcept;
  DataChunk& operator=(DataChunk&& other) noexcept;
  DataChunk(const DataChunk&) = delete;
  DataChunk& operator=(const DataChunk&) = delete;

  /// Rows a chunk holds at most (DuckDB's vector size, 2048).
  static std::size_t capacity();
  std::size_t size() const;
  std::size_t column_count() const { return columns_.size(); }
  void set_size(std::size_t rows);
  /// Empties the chunk for refilling; its columns stay.
  void reset();
  duckdb_data_chunk get() const { return chunk_; }

  // Reading: `row` < size(); each getter checks the column's type. A NULL's value is unspecified.
  bool is_null(std::size_t column, std::size_t row) const;
  /// Valid while this chunk lives.
  std::string_view varchar(std::size_t column, std::size_t row) const;
  /// BIGINT, or TIMESTAMP as epoch microseconds.
  std::int64_t int64(std::size_t column, std::size_t row) const;
  std::int32_t int32(std::size_t column, std::size_t row) const;
  double float64(std::size_t column, std::size_t row) const;
  bool boolean(std::size_t column, std::size_t row) const;
  std::vector<std::string> varchar_list(std::size_t column, std::size_t row) const;
  std::vector<float> float_list(std::size_t column, std::size_t row) const;

  // Writing: rows < capacity(), each list column filled in increasing row order; then set_size().
  void set_null(std::size_t column, std::size_t row);
  void set_varchar(std::size_t column, std::size_t row, std::string_view value);
  /// BIGINT, or TIMESTAMP from epoch microseconds.
  void set_int64(std::size_t column, std::size_t row, std::int64_t value);
  void set_int32(std::size_t column, std::size_t row, std::int32_t value);
  void set_double(std::size_t column, std::size_t row, double value);
  void set_bool(std::size_t column, std::size_t row, bool value);
  void set_varchar_list(std::size_t column, std::size_t row, std::span<const std::string> values);
  void set_float_list(std::size_t column, std::size_t row, std::span<const float> values);

 private:
  struct Column {
    duckdb_vector vector = nullptr;
    duckdb_type type = DUCKDB_TYPE_INVALID;
    duckdb_type child_type = DUCKDB_TYPE_INVALID;  // for LIST columns
    void* data = nullptr;
    std::uint64_t* validity = nullptr;  // nullptr: every row valid (reading)
    std::size_t list_size = 0;          // child entries written so far (writing)
  };

  void cache_columns();
  const Column& column_of(std::size_t column, duckdb_type a, duckdb_type b = DUCKDB_TYPE_INVALID) const;
  Column& writable(std::size_t column, duckdb_type a, duckdb_type b = DUCKDB_TYPE_INVALID);
  void destroy();

  duckdb_data_chunk chunk_ = nullptr;
  std::vector<Column> columns_;
};

}  // namespace mxn::warehouse

#pragma once
// Owns a duckdb_result (destroyed with it): a materialized or streaming query result read chunk by chunk.

#include <duckdb.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "warehouse/data_chunk.h"

namespace mxn::warehouse {

class Result {
 public:
  /// Takes ownership of a successful result.
  explicit Result(duckdb_result owned) : result_(owned), owned_(true) {}
  ~Result();
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  std::size_t column_count();
  std::string_view column_name(std::size_t column);
  /// Rows inserted, updated or deleted by the statement.
  std::int64_t rows_changed();
  /// The next chunk of rows, or nullopt after the last one.
  std::optional<DataChunk> next_chunk();
  /// The first column of the first row as an integer (a COUNT(*)); Error{kInternal} when there is no row.
  std::int64_t scalar_int64();

 private:
  duckdb_result result_{};
  bool owned_ = false;
};

}  // namespace mxn::warehouse

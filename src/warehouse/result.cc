#include "warehouse/result.h"

#include <utility>

#include "core/error.h"
#include "warehouse/duckdb_error.h"

namespace mxn::warehouse {

Result::~Result() {
  if (owned_) duckdb_destroy_result(&result_);
}

Result::Result(Result&& other) noexcept : result_(other.result_), owned_(std::exchange(other.owned_, false)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (owned_) duckdb_destroy_result(&result_);
    result_ = other.result_;
    owned_ = std::exchange(other.owned_, false);
  }
  return *this;
}

std::size_t Result::column_count() { return duckdb_column_count(&result_); }

std::string_view Result::column_name(std::size_t column) {
  const char* name = duckdb_column_name(&result_, column);
  return name == nullptr ? std::string_view() : std::string_view(name);
}

std::int64_t Result::rows_changed() { return static_cast<std::int64_t>(duckdb_rows_changed(&result_)); }

std::optional<DataChunk> Result::next_chunk() {
  MXN_CHECK(owned_, "reading a moved-from result");
  // A chunk of zero rows also ends the result (streaming results may yield one).
  duckdb_data_chunk chunk = duckdb_fetch_chunk(result_);
  if (chunk == nullptr) {
    const char* error = duckdb_result_error(&result_);
    if (error != nullptr) throw_duckdb_error("reading a query result", duckdb_result_error_type(&result_), error);
    return std::nullopt;
  }
  DataChunk out(chunk);
  if (out.size() == 0) return std::nullopt;
  return out;
}

std::int64_t Result::scalar_int64() {
  auto chunk = next_chunk();
  MXN_CHECK(chunk.has_value() && chunk->column_count() > 0, "scalar query returned no row");
  return chunk->is_null(0, 0) ? 0 : chunk->int64(0, 0);
}

}  // namespace mxn::warehouse

#include "warehouse/data_chunk.h"

#include <utility>

#include "core/error.h"

namespace mxn::warehouse {

namespace {

std::string_view read_string(const void* data, std::size_t row) {
  const auto& s = static_cast<const duckdb_string_t*>(data)[row];
  const std::uint32_t length = s.value.inlined.length;
  const char* chars = length <= sizeof(s.value.inlined.inlined) ? s.value.inlined.inlined : s.value.pointer.ptr;
  return {chars, length};
}

duckdb_type type_id(duckdb_logical_type type) { return duckdb_get_type_id(type); }

}  // namespace

DataChunk::DataChunk(const std::vector<LogicalType>& types) {
  std::vector<duckdb_logical_type> raw;
  raw.reserve(types.size());
  for (const auto& t : types) raw.push_back(t.get());
  chunk_ = duckdb_create_data_chunk(raw.data(), raw.size());
  MXN_CHECK(chunk_ != nullptr, "duckdb_create_data_chunk failed");
  cache_columns();
}

DataChunk::DataChunk(duckdb_data_chunk owned) : chunk_(owned) {
  MXN_CHECK(chunk_ != nullptr, "null data chunk");
  cache_columns();
}

DataChunk::~DataChunk() { destroy(); }

DataChunk::DataChunk(DataChunk&& other) noexcept
    : chunk_(std::exchange(other.chunk_, nullptr)), columns_(std::move(other.columns_)) {}

DataChunk& DataChunk::operator=(DataChunk&& other) noexcept {
  if (this != &other) {
    destroy();
    chunk_ = std::exchange(other.chunk_, nullptr);
    columns_ = std::move(other.columns_);
  }
  return *this;
}

void DataChunk::destroy() {
  if (chunk_ != nullptr) duckdb_destroy_data_chunk(&chunk_);
  chunk_ = nullptr;
}

std::size_t DataChunk::capacity() { return duckdb_vector_size(); }

std::size_t DataChunk::size() const { return duckdb_data_chunk_get_size(chunk_); }

void DataChunk::set_size(std::size_t rows) {
  MXN_CHECK(rows <= capacity(), "data chunk overfilled");
  duckdb_data_chunk_set_size(chunk_, rows);
}

void DataChunk::reset() {
  duckdb_data_chunk_reset(chunk_);
  cache_columns();  // DuckDB may hand out new data and validity buffers after a reset
}

void DataChunk::cache_columns() {
  const idx_t count = duckdb_data_chunk_get_column_count(chunk_);
  columns_.assign(count, Column{});
  for (idx_t i = 0; i < count; ++i) {
    Column& c = columns_[i];
    c.vector = duckdb_data_chunk_get_vector(chunk_, i);
    duckdb_logical_type type = duckdb_vector_get_column_type(c.vector);
    c.type = type_id(type);
    if (c.type == DUCKDB_TYPE_LIST) {
      duckdb_logical_type child = duckdb_list_type_child_type(type);
      c.child_type = type_id(child);
      duckdb_destroy_logical_type(&child);
    }
    duckdb_destroy_logical_type(&type);
    c.data = duckdb_vector_get_data(c.vector);
    c.validity = duckdb_vector_get_validity(c.vector);
  }
}

const DataChunk::Column& DataChunk::column_of(std::size_t column, duckdb_type a, duckdb_type b) const {
  MXN_CHECK(column < columns_.size(), "data chunk column out of range");
  const Column& c = columns_[column];
  MXN_CHECK(c.type == a || (b != DUCKDB_TYPE_INVALID && c.type == b), "data chunk column has another type");
  return c;
}

DataChunk::Column& DataChunk::writable(std::size_t column, duckdb_type a, duckdb_type b) {
  return const_cast<Column&>(column_of(column, a, b));
}

bool DataChunk::is_null(std::size_t column, std::size_t row) const {
  MXN_CHECK(column < columns_.size(), "data chunk column out of range");
  const Column& c = columns_[column];
  return c.validity != nullptr && !duckdb_validity_row_is_valid(c.validity, row);
}

std::string_view DataChunk::varchar(std::size_t column, std::size_t row) const {
  return read_string(column_of(column, DUCKDB_TYPE_VARCHAR).data, row);
}

std::int64_t DataChunk::int64(std::size_t column, std::size_t row) const {
  return static_cast<const std::int64_t*>(column_of(column, DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_TIMESTAMP).data)[row];
}

std::int32_t DataChunk::int32(std::size_t column, std::size_t row) const {
  return static_cast<const std::int32_t*>(column_of(column, DUCKDB_TYPE_INTEGER).data)[row];
}

double DataChunk::float64(std::size_t column, std::size_t row) const {
  return static_cast<const double*>(column_of(column, DUCKDB_TYPE_DOUBLE).data)[row];
}

bool DataChunk::boolean(std::size_t column, std::size_t row) const {
  return static_cast<const bool*>(column_of(column, DUCKDB_TYPE_BOOLEAN).data)[row];
}

std::vector<std::string> DataChunk::varchar_list(std::size_t column, std::size_t row) const {
  const Column& c = column_of(column, DUCKDB_TYPE_LIST);
  MXN_CHECK(c.child_type == DUCKDB_TYPE_VARCHAR, "not a VARCHAR[] column");
  const auto entry = static_cast<const duckdb_list_entry*>(c.data)[row];
  duckdb_vector child = duckdb_list_vector_get_child(c.vector);
  const void* data = duckdb_vector_get_data(child);
  std::uint64_t* validity = duckdb_vector_get_validity(child);
  std::vector<std::string> out;
  out.reserve(entry.length);
  for (std::uint64_t i = entry.offset; i < entry.offset + entry.length; ++i) {
    if (validity != nullptr && !duckdb_validity_row_is_valid(validity, i)) continue;
    out.emplace_back(read_string(data, i));
  }
  return out;
}

std::vector<float> DataChunk::float_list(std::size_t column, std::size_t row) const {
  const Column& c = column_of(column, DUCKDB_TYPE_LIST);
  MXN_CHECK(c.child_type == DUCKDB_TYPE_FLOAT, "not a FLOAT[] column");
  const auto entry = static_cast<const duckdb_list_entry*>(c.data)[row];
  duckdb_vector child = duckdb_list_vector_get_child(c.vector);
  const auto* data = static_cast<const float*>(duckdb_vector_get_data(child));
  return std::vector<float>(data + entry.offset, data + entry.offset + entry.length);
}

void DataChunk::set_null(std::size_t column, std::size_t row) {
  MXN_CHECK(column < columns_.size() && row < capacity(), "data chunk cell out of range");
  Column& c = columns_[column];
  if (c.validity == nullptr) {
    duckdb_vector_ensure_validity_writable(c.vector);
    c.validity = duckdb_vector_get_validity(c.vector);
  }
  duckdb_validity_set_row_invalid(c.validity, row);
  if (c.type == DUCKDB_TYPE_LIST) {
    static_cast<duckdb_list_entry*>(c.data)[row] = duckdb_list_entry{c.list_size, 0};
  }
}

void DataChunk::set_varchar(std::size_t column, std::size_t row, std::string_view value) {
  const Column& c = column_of(column, DUCKDB_TYPE_VARCHAR);
  duckdb_vector_assign_string_element_len(c.vector, row, value.data(), value.size());
}

void DataChunk::set_int64(std::size_t column, std::size_t row, std::int64_t value) {
  static_cast<std::int64_t*>(column_of(column, DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_TIMESTAMP).data)[row] = value;
}

void DataChunk::set_int32(std::size_t column, std::size_t row, std::int32_t value) {
  static_cast<std::int32_t*>(column_of(column, DUCKDB_TYPE_INTEGER).data)[row] = value;
}

void DataChunk::set_double(std::size_t column, std::size_t row, double value) {
  static_cast<double*>(column_of(column, DUCKDB_TYPE_DOUBLE).data)[row] = value;
}

void DataChunk::set_bool(std::size_t column, std::size_t row, bool value) {
  static_cast<bool*>(column_of(column, DUCKDB_TYPE_BOOLEAN).data)[row] = value;
}

void DataChunk::set_varchar_list(std::size_t column, std::size_t row, std::span<const std::string> values) {
  Column& c = writable(column, DUCKDB_TYPE_LIST);
  MXN_CHECK(c.child_type == DUCKDB_TYPE_VARCHAR, "not a VARCHAR[] column");
  const std::size_t offset = c.list_size;
  if (duckdb_list_vector_reserve(c.vector, offset + values.size()) != DuckDBSuccess) {
    MXN_CHECK(false, "duckdb_list_vector_reserve failed");
  }
  duckdb_vector child = duckdb_list_vector_get_child(c.vector);
  for (std::size_t i = 0; i < values.size(); ++i) {
    duckdb_vector_assign_string_element_len(child, offset + i, values[i].data(), values[i].size());
  }
  static_cast<duckdb_list_entry*>(c.data)[row] = duckdb_list_entry{offset, values.size()};
  c.list_size = offset + values.size();
  duckdb_list_vector_set_size(c.vector, c.list_size);
}

void DataChunk::set_float_list(std::size_t column, std::size_t row, std::span<const float> values) {
  Column& c = writable(column, DUCKDB_TYPE_LIST);
  MXN_CHECK(c.child_type == DUCKDB_TYPE_FLOAT, "not a FLOAT[] column");
  const std::size_t offset = c.list_size;
  if (duckdb_list_vector_reserve(c.vector, offset + values.size()) != DuckDBSuccess) {
    MXN_CHECK(false, "duckdb_list_vector_reserve failed");
  }
  duckdb_vector child = duckdb_list_vector_get_child(c.vector);
  auto* data = static_cast<float*>(duckdb_vector_get_data(child));
  for (std::size_t i = 0; i < values.size(); ++i) data[offset + i] = values[i];
  static_cast<duckdb_list_entry*>(c.data)[row] = duckdb_list_entry{offset, values.size()};
  c.list_size = offset + values.size();
  duckdb_list_vector_set_size(c.vector, c.list_size);
}

}  // namespace mxn::warehouse

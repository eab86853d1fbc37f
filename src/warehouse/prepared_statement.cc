#include "warehouse/prepared_statement.h"

#include <utility>
#include <vector>

#include "core/error.h"
#include "warehouse/connection.h"
#include "warehouse/duckdb_error.h"
#include "warehouse/logical_type.h"

namespace mxn::warehouse {

namespace {

std::string context_of(const std::string& sql) {
  constexpr std::size_t kShown = 100;
  return "DuckDB statement '" + (sql.size() > kShown ? sql.substr(0, kShown) + "..." : sql) + "'";
}

// Builds a LIST value of `child` from values made by `make`, binds it, and frees everything.
template <class T, class Make>
duckdb_state bind_list(duckdb_prepared_statement statement, std::size_t index, duckdb_type child,
                       std::span<const T> values, Make make) {
  std::vector<duckdb_value> items;
  items.reserve(values.size());
  for (const auto& v : values) items.push_back(make(v));
  LogicalType type(child);
  duckdb_value list = duckdb_create_list_value(type.get(), items.data(), items.size());
  for (auto& item : items) duckdb_destroy_value(&item);
  MXN_CHECK(list != nullptr, "duckdb_create_list_value failed");
  duckdb_state state = duckdb_bind_value(statement, index, list);
  duckdb_destroy_value(&list);
  return state;
}

}  // namespace

PreparedStatement::PreparedStatement(Connection& connection, std::string_view sql) : sql_(sql) {
  if (duckdb_prepare(connection.get(), sql_.c_str(), &statement_) != DuckDBSuccess) {
    const char* message = duckdb_prepare_error(statement_);
    std::string text = message != nullptr ? message : "prepare failed";
    duckdb_destroy_prepare(&statement_);
    // Prepare errors carry no type in the C API; treat them as bugs in mxn's SQL unless DuckDB says otherwise.
    throw_duckdb_error(context_of(sql_), DUCKDB_ERROR_INVALID, text);
  }
}

PreparedStatement::~PreparedStatement() {
  if (statement_ != nullptr) duckdb_destroy_prepare(&statement_);
}

PreparedStatement::PreparedStatement(PreparedStatement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)), sql_(std::move(other.sql_)) {}

PreparedStatement& PreparedStatement::operator=(PreparedStatement&& other) noexcept {
  if (this != &other) {
    if (statement_ != nullptr) duckdb_destroy_prepare(&statement_);
    statement_ = std::exchange(other.statement_, nullptr);
    sql_ = std::move(other.sql_);
  }
  return *this;
}

void PreparedStatement::check(duckdb_state state, std::size_t index) {
  if (state != DuckDBSuccess) {
    const char* message = duckdb_prepare_error(statement_);
    throw Error(Code::kInternal, context_of(sql_) + ": cannot bind parameter $" + std::to_string(index) +
                                     (message != nullptr ? std::string(": ") + message : std::string()));
  }
}

PreparedStatement& PreparedStatement::bind_varchar(std::size_t index, std::string_view value) {
  check(duckdb_bind_varchar_length(statement_, index, value.data(), value.size()), index);
  return *this;
}

PreparedStatement& PreparedStatement::bind_int64(std::size_t index, std::int64_t value) {
  check(duckdb_bind_int64(statement_, index, value), index);
  return *this;
}

PreparedStatement& PreparedStatement::bind_double(std::size_t index, double value) {
  check(duckdb_bind_double(statement_, index, value), index);
  return *this;
}

PreparedStatement& PreparedStatement::bind_bool(std::size_t index, bool value) {
  check(duckdb_bind_boolean(statement_, index, value), index);
  return *this;
}

PreparedStatement& PreparedStatement::bind_timestamp(std::size_t index, std::int64_t epoch_us) {
  check(duckdb_bind_timestamp(statement_, index, duckdb_timestamp{epoch_us}), index);
  return *this;
}

PreparedStatement& PreparedStatement::bind_null(std::size_t index) {
  check(duckdb_bind_null(statement_, index), index);
  return *this;
}

PreparedStatement& PreparedStatement::bind_varchar_or_null(std::size_t index, std::string_view value) {
  return value.empty() ? bind_null(index) : bind_varchar(index, value);
}

PreparedStatement& PreparedStatement::bind_optional_double(std::size_t index, const std::optional<double>& value) {
  return value ? bind_double(index, *value) : bind_null(index);
}

PreparedStatement& PreparedStatement::bind_optional_int64(std::size_t index,
                                                          const std::optional<std::int64_t>& value) {
  return value ? bind_int64(index, *value) : bind_null(index);
}

PreparedStatement& PreparedStatement::bind_optional_timestamp(std::size_t index,
                                                              const std::optional<std::int64_t>& epoch_us) {
  return epoch_us ? bind_timestamp(index, *epoch_us) : bind_null(index);
}

PreparedStatement& PreparedStatement::bind_varchar_list(std::size_t index, std::span<const std::string> values) {
  check(bind_list(statement_, index, DUCKDB_TYPE_VARCHAR, values,
                  [](const std::string& v) { return duckdb_create_varchar_length(v.data(), v.size()); }),
        index);
  return *this;
}

PreparedStatement& PreparedStatement::bind_double_list(std::size_t index, std::span<const double> values) {
  check(bind_list(statement_, index, DUCKDB_TYPE_DOUBLE, values, [](double v) { return duckdb_create_double(v); }),
        index);
  return *this;
}

PreparedStatement& PreparedStatement::bind_float_list(std::size_t index, std::span<const float> values) {
  check(bind_list(statement_, index, DUCKDB_TYPE_FLOAT, values, [](float v) { return duckdb_create_float(v); }),
        index);
  return *this;
}

Result PreparedStatement::execute() {
  duckdb_result result;
  if (duckdb_execute_prepared(statement_, &result) != DuckDBSuccess) {
    const char* message = duckdb_result_error(&result);
    std::string text = message != nullptr ? message : "execution failed";
    duckdb_error_type type = duckdb_result_error_type(&result);
    duckdb_destroy_result(&result);
    throw_duckdb_error(context_of(sql_), type, text);
  }
  return Result(result);
}

}  // namespace mxn::warehouse

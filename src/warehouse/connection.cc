#include "warehouse/connection.h"

#include <string>

#include "core/error.h"
#include "warehouse/database.h"
#include "warehouse/duckdb_error.h"

namespace mxn::warehouse {

Connection::Connection(std::shared_ptr<Database> database) : database_(std::move(database)) {
  MXN_CHECK(database_ != nullptr, "connection without a database");
  if (duckdb_connect(database_->get(), &connection_) != DuckDBSuccess) {
    throw Error(Code::kUnavailable, "cannot connect to warehouse " + database_->path());
  }
}

Connection::~Connection() {
  if (connection_ != nullptr) duckdb_disconnect(&connection_);
}

void Connection::execute(std::string_view sql) { query(sql); }

Result Connection::query(std::string_view sql) {
  const std::string text(sql);
  duckdb_result result;
  if (duckdb_query(connection_, text.c_str(), &result) != DuckDBSuccess) {
    const char* message = duckdb_result_error(&result);
    std::string error = message != nullptr ? message : "query failed";
    duckdb_error_type type = duckdb_result_error_type(&result);
    duckdb_destroy_result(&result);
    constexpr std::size_t kShown = 100;
    throw_duckdb_error("DuckDB statement '" + (text.size() > kShown ? text.substr(0, kShown) + "..." : text) + "'",
                       type, error);
  }
  return Result(result);
}

PreparedStatement Connection::prepare(std::string_view sql) { return PreparedStatement(*this, sql); }

}  // namespace mxn::warehouse

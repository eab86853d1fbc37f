#include "warehouse/appender.h"

#include "core/error.h"
#include "warehouse/connection.h"
#include "warehouse/duckdb_error.h"

namespace mxn::warehouse {

Appender::Appender(Connection& connection, std::string_view table) : target_(table) {
  if (duckdb_appender_create(connection.get(), nullptr, target_.c_str(), &appender_) != DuckDBSuccess) {
    fail("creating an appender");
  }
}

Appender::Appender(Connection& connection, std::string_view sql, const std::vector<LogicalType>& types,
                   std::string_view alias, const std::vector<std::string>& column_names)
    : target_(sql) {
  MXN_CHECK(types.size() == column_names.size(), "query appender: one name per column type");
  std::vector<duckdb_logical_type> raw_types;
  std::vector<const char*> raw_names;
  for (const auto& t : types) raw_types.push_back(t.get());
  for (const auto& n : column_names) raw_names.push_back(n.c_str());
  const std::string alias_text(alias);
  if (duckdb_appender_create_query(connection.get(), target_.c_str(), raw_types.size(), raw_types.data(),
                                   alias_text.c_str(), raw_names.data(), &appender_) != DuckDBSuccess) {
    fail("creating a query appender");
  }
}

Appender::~Appender() {
  if (appender_ != nullptr) duckdb_appender_destroy(&appender_);
}

void Appender::fail(std::string_view action) {
  std::string message = "appender failed";
  duckdb_error_type type = DUCKDB_ERROR_INVALID;
  if (appender_ != nullptr) {
    duckdb_error_data error = duckdb_appender_error_data(appender_);
    if (error != nullptr) {
      if (duckdb_error_data_has_error(error)) {
        message = duckdb_error_data_message(error);
        type = duckdb_error_data_error_type(error);
      }
      duckdb_destroy_error_data(&error);
    }
  }
  constexpr std::size_t kShown = 100;
  std::string context = std::string(action) + " for '" +
                        (target_.size() > kShown ? target_.substr(0, kShown) + "..." : target_) + "'";
  throw_duckdb_error(context, type, message);
}

void Appender::append(const DataChunk& chunk) {
  MXN_CHECK(!closed_, "append to a closed appender");
  if (duckdb_append_data_chunk(appender_, chunk.get()) != DuckDBSuccess) fail("appending rows");
}

void Appender::flush() {
  MXN_CHECK(!closed_, "flush of a closed appender");
  if (duckdb_appender_flush(appender_) != DuckDBSuccess) fail("flushing rows");
}

void Appender::close() {
  MXN_CHECK(!closed_, "appender closed twice");
  closed_ = true;
  if (duckdb_appender_close(appender_) != DuckDBSuccess) fail("closing");
}

}  // namespace mxn::warehouse

#include "warehouse/logical_type.h"

#include <utility>

#include "core/error.h"

namespace mxn::warehouse {

LogicalType::LogicalType(duckdb_type type) : type_(duckdb_create_logical_type(type)) {
  MXN_CHECK(type_ != nullptr, "duckdb_create_logical_type failed");
}

LogicalType LogicalType::list_of(duckdb_type child) {
  LogicalType element(child);
  duckdb_logical_type list = duckdb_create_list_type(element.get());
  MXN_CHECK(list != nullptr, "duckdb_create_list_type failed");
  return LogicalType(list);
}

LogicalType::~LogicalType() {
  if (type_ != nullptr) duckdb_destroy_logical_type(&type_);
}

LogicalType::LogicalType(LogicalType&& other) noexcept : type_(std::exchange(other.type_, nullptr)) {}

LogicalType& LogicalType::operator=(LogicalType&& other) noexcept {
  if (this != &other) {
    if (type_ != nullptr) duckdb_destroy_logical_type(&type_);
    type_ = std::exchange(other.type_, nullptr);
  }
  return *this;
}

}  // namespace mxn::warehouse

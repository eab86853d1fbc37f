#include "warehouse/duckdb_error.h"

#include <string>

namespace mxn::warehouse {

Code code_for(duckdb_error_type type) {
  switch (type) {
    case DUCKDB_ERROR_OUT_OF_RANGE:
    case DUCKDB_ERROR_CONVERSION:
    case DUCKDB_ERROR_INVALID_INPUT:
    case DUCKDB_ERROR_MISMATCH_TYPE:
    case DUCKDB_ERROR_DIVIDE_BY_ZERO:
      return Code::kInvalidArgument;
    case DUCKDB_ERROR_CONSTRAINT:
      return Code::kAlreadyExists;
    case DUCKDB_ERROR_IO:
    case DUCKDB_ERROR_TRANSACTION:
    case DUCKDB_ERROR_OUT_OF_MEMORY:
    case DUCKDB_ERROR_INTERRUPT:
    case DUCKDB_ERROR_CONNECTION:
      return Code::kUnavailable;
    case DUCKDB_ERROR_PERMISSION:
      return Code::kFailedPrecondition;
    case DUCKDB_ERROR_SERIALIZATION:
      return Code::kCorrupt;
    default:
      return Code::kInternal;
  }
}

void throw_duckdb_error(std::string_view context, duckdb_error_type type, std::string_view message) {
  std::string text(context);
  text += ": ";
  text += message.empty() ? std::string_view("unknown DuckDB error") : message;
  throw Error(code_for(type), std::move(text));
}

}  // namespace mxn::warehouse

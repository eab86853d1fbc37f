#pragma once
// Turns a DuckDB failure into mxn::Error: DuckDB's own message, prefixed with what mxn was doing, and a code
// chosen from DuckDB's error type (bad input -> kInvalidArgument, I/O and conflicts -> kUnavailable, ...).

#include <duckdb.h>

#include <string_view>

#include "core/error.h"

namespace mxn::warehouse {

Code code_for(duckdb_error_type type);

/// Throws Error{code_for(type), "<context>: <message>"}.
[[noreturn]] void throw_duckdb_error(std::string_view context, duckdb_error_type type, std::string_view message);

}  // namespace mxn::warehouse

#pragma once
// Quoting for the few places where DuckDB takes no parameters (a table function's file path): the value is
// wrapped in quotes with embedded quotes doubled. Values everywhere else go through bind_* or an Appender.

#include <string>
#include <string_view>

namespace mxn::warehouse {

/// 'it''s' for it's. Error{kInvalidArgument} when `value` holds a NUL byte.
std::string quote_literal(std::string_view value);

/// "a""b" for a"b.
std::string quote_identifier(std::string_view name);

}  // namespace mxn::warehouse

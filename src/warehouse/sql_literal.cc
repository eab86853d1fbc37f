#include "warehouse/sql_literal.h"

#include "core/error.h"

namespace mxn::warehouse {

namespace {

std::string quote(std::string_view value, char mark) {
  if (value.find('\0') != std::string_view::npos) {
    throw Error(Code::kInvalidArgument, "a NUL byte cannot be quoted into SQL");
  }
  std::string out;
  out.reserve(value.size() + 2);
  out += mark;
  for (char c : value) {
    if (c == mark) out += mark;
    out += c;
  }
  out += mark;
  return out;
}

}  // namespace

std::string quote_literal(std::string_view value) { return quote(value, '\''); }

std::string quote_identifier(std::string_view name) { return quote(name, '"'); }

}  // namespace mxn::warehouse

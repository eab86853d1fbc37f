#pragma once
// Explains DuckDB's "could not set lock" failure to a person: which file, which process holds it, and what
// to do instead (talk to the running server). DuckDB allows one read-write process per file.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace mxn::warehouse {

/// Error{kFailedPrecondition} like "data/warehouse.duckdb is in use by process 1234 (mxn serve); use the
/// running server's API instead of opening the file directly" when `duckdb_message` is DuckDB's lock error
/// (the command line comes from /proc/<pid>/cmdline, falling back to the program DuckDB names); nullopt for
/// any other message.
std::optional<Error> lock_conflict_error(std::string_view path, std::string_view duckdb_message);

/// The command line of process `pid` with arguments separated by spaces and the program reduced to its file
/// name ("mxn serve --config x.yaml"); empty when unknown.
std::string process_command_line(long pid);

}  // namespace mxn::warehouse

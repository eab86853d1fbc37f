#pragma once
// The warehouse schema as numbered migrations. Each migration runs in its own transaction and is recorded
// in schema_version(version, description, applied_at); opening a current file runs none of them.

#include <string_view>

namespace mxn::warehouse {

class Connection;

/// The schema version this build of mxn writes.
int latest_schema_version();

/// The version recorded in the file (0 for a new file).
int schema_version(Connection& connection);

/// Applies every migration newer than the file's version, in order. Error{kFailedPrecondition} naming both
/// versions when the file was written by a newer mxn. The caller serialises migrations (write mutex).
void migrate(Connection& connection, std::string_view path_for_messages);

}  // namespace mxn::warehouse

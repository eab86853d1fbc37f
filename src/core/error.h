#pragma once
// The one error type of mxn. Domain code throws mxn::Error with a code; only api/ maps codes to HTTP
// statuses and only cli/ maps them to exit codes.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mxn {

enum class Code {
  kMalformed,           // input that cannot be parsed at all (bad JSON, bad CSV)
  kInvalidArgument,     // a parsed input with an invalid value (a field names what)
  kNotFound,            // unknown user, item, domain, file, version
  kAlreadyExists,       // a thing that must be new is not
  kFailedPrecondition,  // the system is not in a state to do this (e.g. file locked, schema too new)
  kCorrupt,             // stored data failed a checksum, magic or format check
  kNotSupported,        // an optional capability a model does not have
  kUnavailable,         // not ready yet (models not loaded, server shutting down)
  kUnauthenticated,     // no or bad API key
  kTooLarge,            // input over a configured size limit
  kUnsupportedMedia,    // a body in a format the call does not take (not JSON where JSON is read)
  kInternal,            // a bug: an MXN_CHECK failed
};

std::string_view code_name(Code code);

/// One problem with one input field, for validation that reports everything at once.
struct FieldError {
  std::string field;    // "domains.movies.models.collab.factors", "interactions[3].rating"
  std::string message;  // "must be > 0"
  bool operator==(const FieldError&) const = default;
};

class Error : public std::runtime_error {
 public:
  Error(Code code, std::string message, std::string field = {});
  /// Several field problems at once: code kInvalidArgument, message lists them all, field = first one's.
  explicit Error(std::vector<FieldError> problems);

  Code code() const { return code_; }
  const std::string& field() const { return field_; }
  /// Every problem found; holds one entry when the error was made from a single message.
  const std::vector<FieldError>& problems() const { return problems_; }

 private:
  Code code_;
  std::string field_;
  std::vector<FieldError> problems_;
};

[[noreturn]] void check_failed(const char* condition, std::string_view message, const char* file, int line);

}  // namespace mxn

/// Checks an invariant (a bug if false): throws Error{kInternal} naming the file and line. Never aborts.
#define MXN_CHECK(cond, msg)                                       \
  do {                                                             \
    if (!(cond)) ::mxn::check_failed(#cond, (msg), __FILE__, __LINE__); \
  } while (0)

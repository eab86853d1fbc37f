#include "core/error.h"

namespace mxn {

std::string_view code_name(Code code) {
  switch (code) {
    case Code::kMalformed: return "malformed";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kAlreadyExists: return "already_exists";
    case Code::kFailedPrecondition: return "failed_precondition";
    case Code::kCorrupt: return "corrupt";
    case Code::kNotSupported: return "not_supported";
    case Code::kUnavailable: return "unavailable";
    case Code::kUnauthenticated: return "unauthenticated";
    case Code::kTooLarge: return "too_large";
    case Code::kUnsupportedMedia:
      return "unsupported_media_type";
    case Code::kInternal: return "internal";
  }
  return "unknown";
}

namespace {
std::string join(const std::vector<FieldError>& problems) {
  std::string out;
  for (const auto& p : problems) {
    if (!out.empty()) out += "; ";
    out += p.field.empty() ? p.message : p.field + ": " + p.message;
  }
  return out;
}
}  // namespace

Error::Error(Code code, std::string message, std::string field)
    : std::runtime_error(field.empty() ? message : field + ": " + message),
      code_(code),
      field_(field),
      problems_{{std::move(field), std::move(message)}} {}

Error::Error(std::vector<FieldError> problems)
    : std::runtime_error(join(problems)),
      code_(Code::kInvalidArgument),
      field_(problems.empty() ? std::string() : problems.front().field),
      problems_(std::move(problems)) {}

void check_failed(const char* condition, std::string_view message, const char* file, int line) {
  throw Error(Code::kInternal, std::string("check failed: ") + condition + " (" + std::string(message) + ") at " +
                                   file + ":" + std::to_string(line));
}

}  // namespace mxn

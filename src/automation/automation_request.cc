#include "automation/automation_request.h"

#include "core/error.h"
#include "core/time.h"

namespace mxn::automation {

void AutomationRequest::validate() const {
  if (user_id.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "user_id");
}

const std::string& AutomationRequest::domain_or(const std::string& fallback) const {
  return domain.empty() ? fallback : domain;
}

std::int64_t AutomationRequest::resolved_now_us() const { return now_us != 0 ? now_us : mxn::now_us(); }

}  // namespace mxn::automation

#pragma once
// AutomationRequest: who an automation list is for, in which domain, and for which moment. Every automation
// (daily playlist, weekly movies, task prioritisation) takes one; `now_us` is explicit so that tests and
// replays get the same list for the same moment.

#include <cstdint>
#include <string>

#include "engine/recommendation_engine.h"

namespace mxn::automation {

struct AutomationRequest {
  std::string user_id;
  std::string domain;       // empty = the automation's own domain (music, movies, tasks)
  std::int64_t now_us = 0;  // the moment the list is made for, epoch microseconds UTC; 0 = the current time
  /// The caller's business rules (tags, metadata, ids): only items that pass are listed. The automation adds
  /// its own rules to them (what was played lately, what was seen, the user's open tasks).
  engine::Filters filters;

  /// Error{kInvalidArgument, field "user_id"} when the user id is empty.
  void validate() const;
  /// `domain`, or `fallback` when it is empty.
  const std::string& domain_or(const std::string& fallback) const;
  /// `now_us`, or the current time when it is 0.
  std::int64_t resolved_now_us() const;
};

}  // namespace mxn::automation

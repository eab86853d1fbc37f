#include "automation/task_score.h"

#include <algorithm>
#include <cmath>

#include "core/time.h"

namespace mxn::automation {

namespace {
std::int64_t day_of(std::int64_t epoch_us) {
  std::int64_t day = epoch_us / kMicrosPerDay;
  if (epoch_us % kMicrosPerDay < 0) --day;  // floor for times before the epoch
  return day;
}
}  // namespace

std::int64_t calendar_days_until(std::int64_t due_us, std::int64_t now_us) { return day_of(due_us) - day_of(now_us); }

double urgency_component(std::optional<std::int64_t> days_until_due) {
  if (!days_until_due) return kUrgencyNoDueDate;
  if (*days_until_due < 0) return 1.0;
  return kUrgencyDueToday * std::exp2(-static_cast<double>(*days_until_due) / kUrgencyHalfLifeDays);
}

double priority_component(std::optional<double> priority) {
  if (!priority) return kNeutralComponent;
  const double p = std::clamp(std::round(*priority), 1.0, 4.0);
  return (4.0 - p) / 3.0;
}

double effort_component(std::optional<double> estimate_minutes) {
  if (!estimate_minutes || *estimate_minutes < 0) return kNeutralComponent;
  return 1.0 / (1.0 + *estimate_minutes / 60.0);
}

double task_score(const TaskComponents& c, const config::TaskPrioritizationConfig& weights) {
  return weights.urgency_weight * c.urgency + weights.priority_weight * c.priority +
         weights.effort_weight * c.effort + weights.preference_weight * c.preference;
}

}  // namespace mxn::automation

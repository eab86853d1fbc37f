#pragma once
// The components of a task's priority score, each in [0, 1] (1 = do it first), and how they combine.
//
//   urgency    from the due date, counted in whole UTC calendar days d = due day - today:
//                d < 0 (overdue)        1.0
//                d >= 0                 0.9 * 2^(-d / 7)   (due today 0.9, tomorrow 0.81, in a week 0.45,
//                                                           halving with every further week)
//                no or unreadable date  0.1
//   priority   (4 - p) / 3 for p in 1..4 (1 = highest): 1 -> 1.0, 2 -> 0.67, 3 -> 0.33, 4 -> 0.0; other numbers
//              are rounded and clamped into 1..4; none -> 0.5 (neutral)
//   effort     1 / (1 + minutes / 60): 15 min -> 0.8, 1 h -> 0.5, 4 h -> 0.2; none or negative -> 0.5
//   preference the engine's score for the task divided by the best score among the user's open tasks
//              (0 when the models do not score it)
//
//   score = urgency_weight * urgency + priority_weight * priority + effort_weight * effort
//         + preference_weight * preference

#include <cstdint>
#include <optional>

#include "core/config.h"

namespace mxn::automation {

inline constexpr double kUrgencyDueToday = 0.9;
inline constexpr double kUrgencyHalfLifeDays = 7.0;
inline constexpr double kUrgencyNoDueDate = 0.1;
inline constexpr double kNeutralComponent = 0.5;

struct TaskComponents {
  double urgency = 0;
  double priority = 0;
  double effort = 0;
  double preference = 0;
};

/// Whole UTC calendar days from the day of `now_us` to the day of `due_us` (negative when overdue).
std::int64_t calendar_days_until(std::int64_t due_us, std::int64_t now_us);
/// days_until_due: nullopt when the task has no (readable) due date.
double urgency_component(std::optional<std::int64_t> days_until_due);
/// priority: 1 (highest) .. 4, nullopt when unknown.
double priority_component(std::optional<double> priority);
/// estimate_minutes: nullopt when unknown.
double effort_component(std::optional<double> estimate_minutes);
/// The weighted sum of the components.
double task_score(const TaskComponents& c, const config::TaskPrioritizationConfig& weights);

}  // namespace mxn::automation

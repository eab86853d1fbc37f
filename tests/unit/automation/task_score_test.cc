#include "automation/task_score.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace mxn::automation {
namespace {

TEST(TaskScoreTest, CalendarDaysCountWholeUtcDays) {
  const std::int64_t noon = parse_iso8601("2024-05-10T12:00:00Z");
  EXPECT_EQ(calendar_days_until(parse_iso8601("2024-05-10"), noon), 0);
  EXPECT_EQ(calendar_days_until(parse_iso8601("2024-05-11"), noon), 1);
  EXPECT_EQ(calendar_days_until(parse_iso8601("2024-05-09"), noon), -1);
  EXPECT_EQ(calendar_days_until(parse_iso8601("2024-06-10"), noon), 31);
  EXPECT_EQ(calendar_days_until(parse_iso8601("1969-12-31"), parse_iso8601("1970-01-01T01:00")), -1);
}

TEST(TaskScoreTest, UrgencyIsOneWhenOverdueAndDecaysWithDaysLeft) {
  EXPECT_DOUBLE_EQ(urgency_component(-3), 1.0);
  EXPECT_DOUBLE_EQ(urgency_component(-1), 1.0);
  EXPECT_DOUBLE_EQ(urgency_component(0), 0.9);
  EXPECT_DOUBLE_EQ(urgency_component(7), 0.45);
  EXPECT_DOUBLE_EQ(urgency_component(std::nullopt), 0.1);
  double previous = urgency_component(0);
  for (int d = 1; d < 60; ++d) {
    const double u = urgency_component(d);
    EXPECT_LT(u, previous);
    EXPECT_GT(u, 0.0);
    previous = u;
  }
}

TEST(TaskScoreTest, PriorityOneIsHighest) {
  EXPECT_DOUBLE_EQ(priority_component(1), 1.0);
  EXPECT_NEAR(priority_component(2), 0.67, 0.01);
  EXPECT_NEAR(priority_component(3), 0.33, 0.01);
  EXPECT_DOUBLE_EQ(priority_component(4), 0.0);
  EXPECT_DOUBLE_EQ(priority_component(0), 1.0);  // clamped
  EXPECT_DOUBLE_EQ(priority_component(9), 0.0);
  EXPECT_DOUBLE_EQ(priority_component(std::nullopt), 0.5);
}

TEST(TaskScoreTest, ShorterEstimatesScoreHigher) {
  EXPECT_DOUBLE_EQ(effort_component(0), 1.0);
  EXPECT_DOUBLE_EQ(effort_component(15), 0.8);
  EXPECT_DOUBLE_EQ(effort_component(60), 0.5);
  EXPECT_DOUBLE_EQ(effort_component(240), 0.2);
  EXPECT_DOUBLE_EQ(effort_component(-5), 0.5);
  EXPECT_DOUBLE_EQ(effort_component(std::nullopt), 0.5);
}

TEST(TaskScoreTest, ScoreIsTheWeightedSum) {
  config::TaskPrioritizationConfig w;  // 0.4 / 0.3 / 0.1 / 0.2
  EXPECT_DOUBLE_EQ(task_score({.urgency = 1, .priority = 1, .effort = 1, .preference = 1}, w), 1.0);
  EXPECT_DOUBLE_EQ(task_score({.urgency = 0.5, .priority = 0, .effort = 1, .preference = 0.25}, w),
                   0.4 * 0.5 + 0.1 + 0.2 * 0.25);
}

}  // namespace
}  // namespace mxn::automation

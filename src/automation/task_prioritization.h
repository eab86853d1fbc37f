#pragma once
// Task prioritisation (domain "tasks" unless the request names another): the user's open tasks, most
// pressing first.
//
// The user's tasks: catalog tasks whose metadata "assignee" (a string) equals the user id, plus every task
// the user has interacted with (the engine's live index). Open: catalog metadata "status" is not "done"
// (a task without a status is open) and the id is not in `completed`.
//
// `completed` is for the caller to fill: the live index keeps only aggregated weights, not interaction
// types, so the engine cannot tell which tasks the user completed. The API fills it from the warehouse
// (user_history(user, domain) rows with type == "complete").
//
// Each open task gets the components and score of task_score.h; preference comes from
// engine.recommend(only_items = the open tasks, include_consumed = true, top_k = their number). Order:
// overdue tasks first, then score descending, then the earlier due date, then item id; top_k of them.
// An unknown user gets an empty list. Empty user id: Error{kInvalidArgument, "user_id"}; unknown or disabled
// domain: Error{kNotFound, "domain"}.
//
// JSON (listed_item.h envelope) adds "open_tasks" (open tasks before the top_k cut); each item adds
// "components" {urgency, priority, effort, preference}, "due_date" (text or null), "days_until_due" (or
// null), "overdue", "priority" (1..4 or null), "estimate_minutes" (or null), "status", "project" (or null).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "automation/automation_request.h"
#include "automation/listed_item.h"
#include "automation/task_score.h"
#include "core/config.h"

namespace mxn::engine {
class RecommendationEngine;
}

namespace mxn::automation {

struct PrioritizedTask : ListedItem {  // score = the weighted sum of task_score.h
  TaskComponents components;
  std::optional<std::string> due_date;      // as the catalog has it ("2024-05-01")
  std::optional<std::int64_t> days_until_due;
  bool overdue = false;
  std::optional<int> priority;              // 1 (highest) .. 4
  std::optional<double> estimate_minutes;
  std::string status;                       // the catalog status; "open" when it has none
  std::optional<std::string> project;
};

struct TaskPlan {
  std::string user_id;
  std::string domain;
  std::int64_t generated_at_us = 0;
  std::size_t open_tasks = 0;           // before the top_k cut
  std::vector<PrioritizedTask> items;  // most pressing first

  nlohmann::json to_json() const;
};

/// completed: ids of tasks the user completed (see above); may be empty.
TaskPlan prioritize_tasks(const engine::RecommendationEngine& engine,
                          const config::TaskPrioritizationConfig& config, const AutomationRequest& request,
                          const std::set<std::string>& completed = {});

}  // namespace mxn::automation

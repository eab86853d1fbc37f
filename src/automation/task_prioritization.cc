#include "automation/task_prioritization.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "automation/catalog_fields.h"
#include "automation/engine_limits.h"
#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "engine/recommendation_engine.h"

namespace mxn::automation {

namespace {

const std::string kTasks = "tasks";
constexpr std::int64_t kDueSoonDays = 7;        // the reason names due dates up to a week ahead
constexpr int kHighPriority = 2;                // the reason names priorities 1 and 2
constexpr double kQuickMinutes = 30;            // the reason calls tasks this short quick
constexpr double kLikedPreference = 0.8;        // the reason mentions preference from here
constexpr std::int64_t kNoDueDate = std::numeric_limits<std::int64_t>::max();  // sorts after every date

std::string plural_days(std::int64_t n) { return std::to_string(n) + (n == 1 ? " day" : " days"); }

std::string format_number(double x) {
  if (x == std::floor(x) && std::abs(x) < 1e15) return std::to_string(static_cast<std::int64_t>(x));
  return std::to_string(x);
}

nlohmann::json number_json(double x) {
  if (x == std::floor(x) && std::abs(x) < 1e15) return static_cast<std::int64_t>(x);
  return x;
}

std::string reason_of(const PrioritizedTask& t) {
  std::vector<std::string> parts;
  if (t.days_until_due) {
    const std::int64_t d = *t.days_until_due;
    if (d < 0) {
      parts.push_back("overdue by " + plural_days(-d));
    } else if (d == 0) {
      parts.push_back("due today");
    } else if (d == 1) {
      parts.push_back("due tomorrow");
    } else if (d <= kDueSoonDays) {
      parts.push_back("due in " + plural_days(d));
    }
  }
  if (t.priority && *t.priority <= kHighPriority) parts.push_back("priority " + std::to_string(*t.priority));
  if (t.estimate_minutes && *t.estimate_minutes <= kQuickMinutes) {
    parts.push_back("quick (" + format_number(*t.estimate_minutes) + " min)");
  }
  if (t.components.preference >= kLikedPreference) parts.push_back("like the tasks you usually take on");
  if (parts.empty()) {
    if (t.days_until_due) return "open, due in " + plural_days(*t.days_until_due);
    return "open, no due date";
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

/// The facts of one open task from its catalog row (null when the catalog has none yet).
PrioritizedTask describe(const std::string& item_id, const engine::CatalogEntry* entry, std::int64_t now) {
  PrioritizedTask t;
  t.item_id = item_id;
  t.status = "open";
  if (entry == nullptr) return t;
  t.title = entry->title;
  const nlohmann::json& meta = entry->metadata;
  t.status = string_field(meta, "status").value_or("open");
  t.project = string_field(meta, "project");
  t.due_date = string_field(meta, "due_date");
  if (t.due_date) {
    try {
      t.days_until_due = calendar_days_until(parse_iso8601(*t.due_date, "due_date"), now);
    } catch (const Error&) {
      // An unreadable due date counts as none (the text is still shown).
    }
  }
  if (auto p = number_field(meta, "priority")) t.priority = static_cast<int>(std::clamp(std::round(*p), 1.0, 4.0));
  if (auto m = number_field(meta, "estimate_minutes"); m && *m >= 0) t.estimate_minutes = *m;
  return t;
}

}  // namespace

nlohmann::json TaskPlan::to_json() const {
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& t : items) {
    nlohmann::json j = listed_item_json(t);
    j["components"] = {{"urgency", t.components.urgency},
                       {"priority", t.components.priority},
                       {"effort", t.components.effort},
                       {"preference", t.components.preference}};
    j["due_date"] = t.due_date ? nlohmann::json(*t.due_date) : nlohmann::json(nullptr);
    j["days_until_due"] = t.days_until_due ? nlohmann::json(*t.days_until_due) : nlohmann::json(nullptr);
    j["overdue"] = t.overdue;
    j["priority"] = t.priority ? nlohmann::json(*t.priority) : nlohmann::json(nullptr);
    j["estimate_minutes"] = t.estimate_minutes ? number_json(*t.estimate_minutes) : nlohmann::json(nullptr);
    j["status"] = t.status;
    j["project"] = t.project ? nlohmann::json(*t.project) : nlohmann::json(nullptr);
    tasks.push_back(std::move(j));
  }
  nlohmann::json out = envelope_json(user_id, generated_at_us, domain, std::move(tasks));
  out["open_tasks"] = open_tasks;
  return out;
}

TaskPlan prioritize_tasks(const engine::RecommendationEngine& engine,
                          const config::TaskPrioritizationConfig& config, const AutomationRequest& request,
                          const std::set<std::string>& completed) {
  request.validate();
  MXN_CHECK(config.top_k > 0, "task_prioritization config must be validated");
  const std::string& domain = request.domain_or(kTasks);
  const std::int64_t now = request.resolved_now_us();
  TaskPlan out{.user_id = request.user_id, .domain = domain, .generated_at_us = now};

  // The user's tasks: assigned in the catalog, or interacted with.
  const engine::LiveIndex& live = engine.live(domain);
  std::set<std::string> mine;
  for (const auto& e : live.row(request.user_id)) mine.insert(live.item_name(e.item));
  engine.catalog().for_each(domain, [&](const engine::CatalogEntry& entry) {
    if (string_field(entry.metadata, "assignee") == request.user_id) mine.insert(entry.item_id);
  });

  std::vector<PrioritizedTask> open;
  const engine::Filters& rules = request.filters;
  for (const auto& id : mine) {
    if (completed.count(id) || rules.exclude_items.count(id) ||
        (rules.only_items && !rules.only_items->count(id))) {
      continue;
    }
    const auto entry = engine.catalog().get(domain, id);
    if (!rules.catalog.empty() && (!entry || !rules.catalog.matches(*entry))) continue;
    PrioritizedTask t = describe(id, entry.get(), now);
    if (t.status == "done") continue;
    open.push_back(std::move(t));
  }
  out.open_tasks = open.size();
  if (open.empty()) return out;

  // Preference: the engine's score among the open tasks, relative to the best of them.
  std::map<std::string, double> preference;
  engine::RecommendRequest ask{.user_id = request.user_id, .domain = domain,
                               .top_k = std::min(kEngineMaxTopK, open.size())};
  ask.filters.only_items.emplace();
  for (const auto& t : open) ask.filters.only_items->insert(t.item_id);
  ask.filters.include_consumed = true;
  const engine::Recommendations recs = engine.recommend(ask);
  double best = 0;
  for (const auto& r : recs.items) best = std::max(best, r.score);
  if (best > 0) {
    for (const auto& r : recs.items) preference[r.item_id] = std::clamp(r.score / best, 0.0, 1.0);
  }

  for (auto& t : open) {
    t.overdue = t.days_until_due && *t.days_until_due < 0;
    t.components.urgency = urgency_component(t.days_until_due);
    t.components.priority = priority_component(t.priority ? std::optional<double>(*t.priority) : std::nullopt);
    t.components.effort = effort_component(t.estimate_minutes);
    if (auto p = preference.find(t.item_id); p != preference.end()) t.components.preference = p->second;
    t.score = task_score(t.components, config);
    t.reason = reason_of(t);
  }
  std::sort(open.begin(), open.end(), [](const PrioritizedTask& a, const PrioritizedTask& b) {
    if (a.overdue != b.overdue) return a.overdue;
    if (a.score != b.score) return a.score > b.score;
    const auto due_a = a.days_until_due.value_or(kNoDueDate), due_b = b.days_until_due.value_or(kNoDueDate);
    if (due_a != due_b) return due_a < due_b;
    return a.item_id < b.item_id;
  });
  if (open.size() > static_cast<std::size_t>(config.top_k)) open.resize(static_cast<std::size_t>(config.top_k));
  int rank = 0;
  for (auto& t : open) t.rank = ++rank;
  out.items = std::move(open);
  log::debug("automation.task_prioritization", "user", request.user_id, "domain", domain, "open",
             out.open_tasks, "returned", out.items.size());
  return out;
}

}  // namespace mxn::automation

// GET /automation/daily-playlist/{user_id}, /weekly-movies/{user_id}, /task-prioritization/{user_id}:
// JSON a workflow forwards as is. ?filter= takes the business rules of POST /recommendations' `filter`.

#include "api/handlers.h"
#include "api/json_input.h"
#include "automation/daily_playlist.h"
#include "automation/task_prioritization.h"
#include "automation/weekly_movies.h"

namespace mxn::api {

namespace {

/// The user of the path, and the rules of ?filter= (the `filter` of POST /recommendations, as JSON).
automation::AutomationRequest automation_request(const Request& r) {
  automation::AutomationRequest request{.user_id = r.path_param("user_id")};
  if (const auto text = r.query_param("filter")) {
    std::vector<FieldError> problems;
    read_filter(parse_json(*text, "filter"), request.filters, problems);
    throw_if_any(problems);
  }
  return request;
}

}  // namespace

Response get_daily_playlist(Services& s, const Request& r) {
  const auto list =
      automation::daily_playlist(s.engine, s.config.automation.daily_playlist, automation_request(r));
  return json_response(200, list.to_json());
}

Response get_weekly_movies(Services& s, const Request& r) {
  const auto list =
      automation::weekly_movies(s.engine, s.config.automation.weekly_movies, automation_request(r));
  return json_response(200, list.to_json());
}

Response get_task_prioritization(Services& s, const Request& r) {
  const automation::AutomationRequest request = automation_request(r);
  const std::string domain = request.domain_or("tasks");
  s.config.domain(domain);
  std::set<std::string> completed;  // the live index keeps weights, not types: completions come from history
  for (const auto& x : s.warehouse.user_history(request.user_id, {.domain = domain, .limit = 100000})) {
    if (x.type == "complete") completed.insert(x.item_id);
  }
  const auto plan = automation::prioritize_tasks(s.engine, s.config.automation.task_prioritization, request, completed);
  return json_response(200, plan.to_json());
}

}  // namespace mxn::api

#pragma once
// The request handlers, one file per resource group; routes.cc binds them to paths.

#include "api/http.h"
#include "api/services.h"

namespace mxn::api {

Response json_response(int status, const nlohmann::json& body);
/// One recommended item as the API shows it (recommendations and similar items).
nlohmann::json item_json(engine::RecommendedItem item);

// interaction_handlers.cc
Response post_interaction(Services& s, const Request& r);
Response post_interactions_bulk(Services& s, const Request& r);
Response delete_interaction(Services& s, const Request& r);
// recommendation_handlers.cc
/// The engine's list for `request`, recorded in the served-list log, and when it was served (epoch us): what
/// POST /recommendations answers, and what the Python module's recommend() returns.
std::pair<engine::Recommendations, std::int64_t> recommend_and_log(Services& s,
                                                                   const engine::RecommendRequest& request);
Response post_recommendations(Services& s, const Request& r);
// item_handlers.cc
Response put_item(Services& s, const Request& r);
Response post_items_bulk(Services& s, const Request& r);
Response get_item(Services& s, const Request& r);
Response patch_item(Services& s, const Request& r);
Response delete_item(Services& s, const Request& r);
Response get_similar_items(Services& s, const Request& r);
// user_handlers.cc
Response get_user_history(Services& s, const Request& r);
Response delete_user(Services& s, const Request& r);
// training_handlers.cc
Response post_train(Services& s, const Request& r);
Response post_evaluate(Services& s, const Request& r);
Response get_training_stats(Services& s, const Request& r);
Response get_training_job(Services& s, const Request& r);
// automation_handlers.cc
Response get_daily_playlist(Services& s, const Request& r);
Response get_weekly_movies(Services& s, const Request& r);
Response get_task_prioritization(Services& s, const Request& r);
// system_handlers.cc
Response get_health(Services& s, const Request& r);
Response get_metrics(Services& s, const Request& r);

}  // namespace mxn::api

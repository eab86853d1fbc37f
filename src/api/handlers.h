#pragma once
// The request handlers, one file per resource group; routes.cc binds them to paths.

#include "api/http.h"
#include "api/services.h"

namespace mxn::api {

Response json_response(int status, const nlohmann::json& body);
/// One recommended item as the API shows it (recommendations and similar items).
nlohmann::json item_json(engine::RecommendedItem item);
/// The page asked for by ?offset= (default 0) and ?limit= (1-1000, default 100) of a listing.
struct Page {
  std::size_t offset = 0;
  std::size_t limit = 0;
};
Page page_of(const Request& r);
/// A listing's answer: `fields`, the page's `items` (at most limit of `rows`, fetched with limit + 1 to see
/// if more follow), count, offset, limit and next_offset (null on the last page).
Response page_response(nlohmann::json fields, const Page& page, std::vector<nlohmann::json> rows);

// interaction_handlers.cc
Response post_interaction(Services& s, const Request& r);
Response post_interactions_bulk(Services& s, const Request& r);
Response delete_interaction(Services& s, const Request& r);
// recommendation_handlers.cc
/// The engine's list for `request`, recorded in the served-list log, and when it was served (epoch us): what
/// POST /recommendations answers, and what the Python module's recommend() returns.
std::pair<engine::Recommendations, std::int64_t> recommend_and_log(Services& s,
                                                                   const engine::RecommendRequest& request);
/// A request's `filter` (null: none) into `out`; problems named "filter.<place>".
void read_filter(const nlohmann::json& filter, engine::Filters& out, std::vector<FieldError>& problems);
Response post_recommendations(Services& s, const Request& r);
Response post_recommendations_batch(Services& s, const Request& r);
// item_handlers.cc
Response put_item(Services& s, const Request& r);
Response post_items_bulk(Services& s, const Request& r);
Response get_item(Services& s, const Request& r);
Response get_items(Services& s, const Request& r);
Response patch_item(Services& s, const Request& r);
Response delete_item(Services& s, const Request& r);
Response get_similar_items(Services& s, const Request& r);
// user_handlers.cc
Response get_user_history(Services& s, const Request& r);
Response get_users(Services& s, const Request& r);
Response get_similar_users(Services& s, const Request& r);
Response delete_user(Services& s, const Request& r);
// model_handlers.cc
Response get_models(Services& s, const Request& r);
Response post_model_rollback(Services& s, const Request& r);
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

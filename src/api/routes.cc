#include "api/routes.h"

#include "api/handlers.h"
#include "api/openapi.h"

namespace mxn::api {

namespace {

using nlohmann::json;

json string_schema(const std::string& description = "") {
  json s = {{"type", "string"}};
  if (!description.empty()) s["description"] = description;
  return s;
}

json object_schema(json properties, std::vector<std::string> required) {
  return {{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
}

json list_of(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }

const json kInteraction = object_schema(
    {{"user_id", string_schema("1-256 bytes of UTF-8")},
     {"domain", string_schema("an enabled domain: movies, music, tasks, notes")},
     {"item_id", string_schema("1-256 bytes of UTF-8")},
     {"interaction_type", string_schema("a configured type: view, click, play, like, rating, complete, skip, ...")},
     {"rating", {{"type", {"number", "null"}},
                 {"description", "required for interaction_type rating; on the domain's scale (domains.<d>.ratings)"}}},
     {"count", {{"type", {"number", "null"}},
                {"description", "how many times, e.g. plays (> 0; not for ratings): weight = the type's weight x count"}}},
     {"timestamp", {{"type", {"number", "string", "null"}}, {"description", "epoch seconds or ISO-8601; default now"}}},
     {"metadata", {{"type", {"object", "null"}}}}},
    {"user_id", "domain", "item_id", "interaction_type"});

const json kRecommendedItem = object_schema({{"item_id", string_schema()},
                                             {"title", string_schema()},
                                             {"score", {{"type", "number"}}},
                                             {"rank", {{"type", "integer"}}},
                                             {"reason", string_schema()},
                                             {"contributions", {{"type", "object"}, {"additionalProperties", {{"type", "number"}}}}}},
                                            {"item_id", "title", "score", "rank", "reason", "contributions"});

const json kRecommendations = object_schema({{"user_id", string_schema()},
                                            {"domain", string_schema()},
                                            {"generated_at", string_schema()},
                                            {"cold_start", {{"type", "boolean"}}},
                                            {"models_used", list_of(string_schema())},
                                            {"count", {{"type", "integer"}}},
                                            {"items", list_of(kRecommendedItem)}},
                                           {"user_id", "domain", "items"});

const json kItem = object_schema({{"domain", string_schema()},
                                  {"item_id", string_schema()},
                                  {"title", string_schema()},
                                  {"description", string_schema()},
                                  {"tags", list_of(string_schema())},
                                  {"metadata", {{"type", "object"}}}},
                                 {"domain", "item_id"});

const json kAutomationList = object_schema(
    {{"user_id", string_schema()},
     {"domain", string_schema()},
     {"generated_at", string_schema("ISO-8601 UTC")},
     {"count", {{"type", "integer"}}},
     {"items", list_of(object_schema({{"item_id", string_schema()},
                                      {"title", string_schema()},
                                      {"rank", {{"type", "integer"}}},
                                      {"score", {{"type", "number"}}},
                                      {"reason", string_schema()}},
                                     {"item_id", "title", "rank", "score"}))}},
    {"user_id", "generated_at", "items"});

// POST /recommendations' business rules: the models take their top k among the items that pass.
const json kFilter = object_schema(
    {{"tags_any", list_of(string_schema("at least one of these tags (case-insensitive)"))},
     {"tags_all", list_of(string_schema("every one of these tags"))},
     {"metadata", {{"type", "object"},
                   {"description", "metadata key -> a value (equal; a list value holds it) or a range "
                                   "{eq, gt, gte, lt, lte} of numbers or ISO-8601 dates"},
                   {"additionalProperties", true}}},
     {"exclude_ids", list_of(string_schema())},
     {"include_ids", list_of(string_schema("only these"))}},
    {});

const QueryParam kFilterParam = {"filter", "string",
                                 "JSON of POST /recommendations' filter (tags, metadata, ids): only items that pass"};

/// A request for recommendations: `who` (user_id, or the batch's user_ids) and the options both take.
json recommend_request(std::pair<std::string, json> who) {
  return object_schema({who,
                        {"domain", string_schema()},
                        {"top_k", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 10}}},
                        {"model_types", list_of({{"enum", {"knn", "collab", "ease", "rp3beta", "embedding", "popularity"}}})},
                        {"query_text", string_schema("semantic query for the embedding model")},
                        {"filter", kFilter}},
                       {who.first, "domain"});
}

/// A listing's page: `fields`, then offset, limit, count, next_offset and the rows as `items`.
json page_schema(json fields, json item) {
  fields["offset"] = {{"type", "integer"}};
  fields["limit"] = {{"type", "integer"}};
  fields["count"] = {{"type", "integer"}};
  fields["next_offset"] = {{"type", {"integer", "null"}}, {"description", "offset of the next page; null on the last"}};
  fields["items"] = list_of(std::move(item));
  return object_schema(std::move(fields), {"offset", "limit", "count", "next_offset", "items"});
}

std::vector<QueryParam> with(std::vector<QueryParam> params, QueryParam more) {
  params.push_back(std::move(more));
  return params;
}

const std::vector<QueryParam> kPageParams = {{"offset", "integer", "rows to skip (default 0)"},
                                             {"limit", "integer", "page size, 1-1000 (default 100)"}};

// The answer of every DELETE: what was removed (the fields of the route's subject and the counts).
const json kDeleted = object_schema({{"status", string_schema("deleted")},
                                     {"id", {{"type", "integer"}}},
                                     {"user_id", string_schema()},
                                     {"domain", string_schema()},
                                     {"item_id", string_schema()},
                                     {"interactions", {{"type", "integer"}, {"description", "interactions removed"}}},
                                     {"served_lists", {{"type", "integer"}, {"description", "served lists removed"}}}},
                                    {"status"});

const json kModelVersions = object_schema(
    {{"model", string_schema()},
     {"serving_version", {{"type", {"integer", "null"}}}},
     {"versions", list_of(object_schema({{"version", {{"type", "integer"}}},
                                         {"status", string_schema("serving | available | held_back | damaged")},
                                         {"held_back", {{"type", {"string", "null"}}, {"description", "why"}}},
                                         {"metrics", {{"type", "object"}}},
                                         {"created_at", string_schema("ISO-8601 UTC")}},
                                        {"version", "status"}))}},
    {"model", "serving_version", "versions"});

const json kJob = object_schema({{"job_id", string_schema()},
                                 {"kind", string_schema("train | evaluate")},
                                 {"status", string_schema("queued | running | succeeded | partial | failed")},
                                 {"trigger", string_schema()},
                                 {"domains", list_of(string_schema())},
                                 {"summaries", list_of({{"type", "object"}})},
                                 {"evaluation", {{"type", {"object", "null"}},
                                                 {"description", "kind evaluate, once succeeded: the report of "
                                                                 "`mxn evaluate --json`"}}}},
                                {"job_id", "status", "domains"});

}  // namespace

std::vector<Route> make_routes(Services& s) {
  auto bind = [&s](Response (*handler)(Services&, const Request&)) {
    return [&s, handler](const Request& r) { return handler(s, r); };
  };
  std::vector<Route> routes = {
      {.method = Method::kPost, .pattern = "/interactions", .handler = bind(post_interaction),
       .tag = "interactions", .summary = "Log one interaction; acknowledged once committed",
       .request_schema = kInteraction,
       .response_schema = object_schema({{"status", string_schema()}, {"id", {{"type", "integer"}}}}, {"status", "id"}),
       .success_status = 201, .waits = true,
       .example_target = "/interactions",
       .example_body = json{{"user_id", "user1"}, {"domain", "movies"}, {"item_id", "movie_3"}, {"interaction_type", "rating"}, {"rating", 4}, {"timestamp", "2026-11-30T20:15:00Z"}}},
      {.method = Method::kPost, .pattern = "/interactions/bulk", .handler = bind(post_interactions_bulk),
       .tag = "interactions", .summary = "Log many interactions, all or nothing (errors list every bad index)",
       .request_schema = object_schema({{"interactions", list_of(kInteraction)}}, {"interactions"}),
       .response_schema = object_schema({{"status", string_schema()}, {"count", {{"type", "integer"}}},
                                         {"ids", list_of({{"type", "integer"}})}}, {"status", "count", "ids"}),
       .success_status = 201, .waits = true,
       .example_target = "/interactions/bulk",
       .example_body = json{{"interactions", {{{"user_id", "user1"}, {"domain", "music"}, {"item_id", "song_2"}, {"interaction_type", "play"}, {"count", 3}}, {{"user_id", "user2"}, {"domain", "movies"}, {"item_id", "movie_4"}, {"interaction_type", "like"}}}}}},
      {.method = Method::kDelete, .pattern = "/interactions/{id}", .handler = bind(delete_interaction),
       .tag = "interactions", .summary = "Delete one interaction (by the id its POST returned); the user's live state follows at once",
       .response_schema = kDeleted, .waits = true,
       .example_target = "/interactions/1"},
      {.method = Method::kPost, .pattern = "/recommendations", .handler = bind(post_recommendations),
       .tag = "recommendations", .summary = "Personal recommendations blended from the requested models",
       .request_schema = recommend_request({"user_id", string_schema()}),
       .response_schema = kRecommendations,
       .example_target = "/recommendations",
       .example_body = json{{"user_id", "user1"}, {"domain", "movies"}, {"top_k", 5}, {"model_types", {"knn", "collab"}}, {"filter", {{"tags_any", {"Drama", "Comedy"}}, {"exclude_ids", {"movie_7"}}}}}},
      {.method = Method::kPost, .pattern = "/recommendations/batch", .handler = bind(post_recommendations_batch),
       .tag = "recommendations",
       .summary = "Recommendations for many users (at most 10,000) in one call: one JSON line per user, in order, "
                  "streamed as made; each line is what POST /recommendations answers for that user, or "
                  "{user_id, error} when that user's list failed",
       .request_schema = recommend_request({"user_ids", list_of(string_schema())}),
       .response_schema = kRecommendations, .content_type = "application/x-ndjson", .waits = true,
       .example_target = "/recommendations/batch",
       .example_body = json{{"user_ids", {"user1", "user2", "user3"}}, {"domain", "music"}, {"top_k", 5}}},
      {.method = Method::kPut, .pattern = "/items", .handler = bind(put_item), .tag = "items",
       .summary = "Create or replace a catalog item (fields left out are emptied; PATCH merges)", .request_schema = kItem,
       .response_schema = object_schema({{"status", string_schema()}}, {"status"}), .waits = true,
       .created_status = 201,
       .example_target = "/items",
       .example_body = json{{"domain", "movies"}, {"item_id", "movie_1"}, {"title", "The Long Night"}, {"description", "A drama about a long night."}, {"tags", {"Drama"}}, {"metadata", {{"year", 1994}}}}},
      {.method = Method::kPost, .pattern = "/items", .handler = bind(put_item), .tag = "items",
       .summary = "Create or replace a catalog item (as PUT)", .request_schema = kItem,
       .response_schema = object_schema({{"status", string_schema()}}, {"status"}), .waits = true,
       .created_status = 201,
       .example_target = "/items",
       .example_body = json{{"domain", "movies"}, {"item_id", "movie_new"}, {"title", "Brand New"}, {"tags", {"Comedy"}}, {"metadata", {{"year", 2026}, {"released", "2026-11-20"}}}}},
      {.method = Method::kPost, .pattern = "/items/bulk", .handler = bind(post_items_bulk), .tag = "items",
       .summary = "Create or update many catalog items, all or nothing",
       .request_schema = object_schema({{"items", list_of(kItem)}}, {"items"}),
       .response_schema = object_schema({{"status", string_schema()}, {"count", {{"type", "integer"}}}}, {"status", "count"}),
       .waits = true,
       .example_target = "/items/bulk",
       .example_body = json{{"items", {{{"domain", "music"}, {"item_id", "song_new_1"}, {"title", "First"}, {"tags", {"Jazz"}}}, {{"domain", "music"}, {"item_id", "song_new_2"}, {"title", "Second"}, {"tags", {"Rock"}}}}}}},
      {.method = Method::kGet, .pattern = "/items/{domain}", .handler = bind(get_items), .tag = "items",
       .summary = "A domain's catalog by item_id, a page at a time",
       .response_schema = page_schema({{"domain", string_schema()}}, kItem),
       .query_params = with(kPageParams, {"tag", "string", "only items with this tag or genre (any case)"}),
       .example_target = "/items/movies?offset=0&limit=20&tag=Drama"},
      {.method = Method::kGet, .pattern = "/items/{domain}/{item_id}", .handler = bind(get_item), .tag = "items",
       .summary = "One catalog item", .response_schema = kItem,
       .example_target = "/items/movies/movie_1"},
      {.method = Method::kPatch, .pattern = "/items/{domain}/{item_id}", .handler = bind(patch_item),
       .tag = "items",
       .summary = "Change some fields of an item (JSON merge patch, RFC 7396: metadata merges, null removes); the rest stay",
       .request_schema = object_schema({{"title", {{"type", {"string", "null"}}}},
                                        {"description", {{"type", {"string", "null"}}}},
                                        {"tags", {{"type", {"array", "null"}}, {"items", string_schema()}}},
                                        {"metadata", {{"type", {"object", "null"}}}}},
                                       {}),
       .response_schema = kItem, .waits = true,
       .example_target = "/items/movies/movie_2",
       .example_body = json{{"title", "A New Title"}, {"metadata", {{"year", nullptr}}}}},
      {.method = Method::kDelete, .pattern = "/items/{domain}/{item_id}", .handler = bind(delete_item),
       .tag = "items", .summary = "Delete an item: its catalog row and interactions; never recommended again (until it comes back)",
       .response_schema = kDeleted, .waits = true,
       .example_target = "/items/movies/movie_9"},
      {.method = Method::kGet, .pattern = "/items/{domain}/{item_id}/similar", .handler = bind(get_similar_items),
       .tag = "items", .summary = "Items similar to one item",
       .response_schema = object_schema({{"items", list_of(kRecommendedItem)}}, {"items"}),
       .query_params = {{"top_k", "integer", "how many (default 10)"}},
       .example_target = "/items/movies/movie_1/similar?top_k=5"},
      {.method = Method::kGet, .pattern = "/users", .handler = bind(get_users), .tag = "users",
       .summary = "Users by user_id, a page at a time: all, or those with interactions in a domain",
       .response_schema = page_schema({{"domain", {{"type", {"string", "null"}}}}},
                                      object_schema({{"user_id", string_schema()},
                                                     {"first_seen", string_schema("ISO-8601 UTC")},
                                                     {"last_seen", string_schema("ISO-8601 UTC")}},
                                                    {"user_id", "first_seen", "last_seen"})),
       .query_params = with(kPageParams, {"domain", "string", "only users with interactions here (first/last seen there)"}),
       .example_target = "/users?domain=movies&offset=0&limit=20"},
      {.method = Method::kGet, .pattern = "/users/{user_id}/history", .handler = bind(get_user_history),
       .tag = "users", .summary = "A user's interactions, newest first, a page at a time (pass next_cursor back as cursor)",
       .response_schema = object_schema({{"user_id", string_schema()},
                                         {"count", {{"type", "integer"}}},
                                         {"items", list_of({{"type", "object"}})},
                                         {"next_cursor", {{"type", {"string", "null"}}, {"description", "null on the last page"}}}},
                                        {"items", "next_cursor"}),
       .query_params = {{"domain", "string", "only this domain"},
                        {"limit", "integer", "page size, 1-10000 (default 100)"},
                        {"cursor", "string", "next_cursor of the previous page"}},
       .example_target = "/users/user1/history?domain=movies&limit=20&cursor=1764547200000000:120"},
      {.method = Method::kGet, .pattern = "/users/{user_id}/similar", .handler = bind(get_similar_users),
       .tag = "users",
       .summary = "Users whose liked items are most like this user's (cosine over live interaction rows), best first",
       .response_schema = object_schema({{"user_id", string_schema()},
                                         {"domain", string_schema()},
                                         {"count", {{"type", "integer"}}},
                                         {"users", list_of(object_schema({{"user_id", string_schema()},
                                                                          {"score", {{"type", "number"}}},
                                                                          {"items_in_common", {{"type", "integer"}}}},
                                                                         {"user_id", "score", "items_in_common"}))}},
                                        {"users"}),
       .query_params = {{"domain", "string", "the domain", true}, {"top_k", "integer", "how many (default 10)"}},
       .example_target = "/users/user1/similar?domain=movies&top_k=5"},
      {.method = Method::kDelete, .pattern = "/users/{user_id}", .handler = bind(delete_user), .tag = "users",
       .summary = "Forget a user: interactions (every domain), served lists and user row; the next request is a cold start",
       .response_schema = kDeleted, .waits = true,
       .example_target = "/users/user9"},
      {.method = Method::kGet, .pattern = "/automation/daily-playlist/{user_id}", .handler = bind(get_daily_playlist),
       .tag = "automation", .summary = "Today's playlist (music)", .response_schema = kAutomationList,
       .query_params = {kFilterParam},
       .example_target = "/automation/daily-playlist/user1?filter=%7B%22exclude_ids%22%3A%5B%22song_1%22%5D%7D"},
      {.method = Method::kGet, .pattern = "/automation/weekly-movies/{user_id}", .handler = bind(get_weekly_movies),
       .tag = "automation", .summary = "This week's movie picks, diversified by genre", .response_schema = kAutomationList,
       .query_params = {kFilterParam},
       .example_target = "/automation/weekly-movies/user1?filter=%7B%22tags_any%22%3A%5B%22Drama%22%5D%7D"},
      {.method = Method::kGet, .pattern = "/automation/task-prioritization/{user_id}",
       .handler = bind(get_task_prioritization), .tag = "automation",
       .summary = "The user's open tasks in priority order, with score components", .response_schema = kAutomationList,
       .query_params = {kFilterParam},
       .example_target = "/automation/task-prioritization/user1?filter=%7B%22exclude_ids%22%3A%5B%22task_1%22%5D%7D"},
      {.method = Method::kGet, .pattern = "/models/{domain}", .handler = bind(get_models), .tag = "models",
       .summary = "Every stored version of each model of a domain, newest first: metrics on its held-out split, "
                  "sizes, status (serving | available | held_back by the quality gate, with why)",
       .response_schema = object_schema({{"domain", string_schema()},
                                         {"max_metric_drop", {{"type", "number"}}},
                                         {"models", list_of(kModelVersions)}},
                                        {"domain", "models"}),
       .waits = true,
       .example_target = "/models/movies"},
      {.method = Method::kPost, .pattern = "/models/{domain}/{model}/rollback", .handler = bind(post_model_rollback),
       .tag = "models",
       .summary = "Serve an earlier (or held-back) version of a model: at once, and after restarts, until the next "
                  "training publishes a newer one",
       .response_schema = kModelVersions,
       .query_params = {{"version", "integer", "the version to serve", true}},
       .waits = true,
       .example_target = "/models/movies/knn/rollback?version=1"},
      {.method = Method::kPost, .pattern = "/training/train", .handler = bind(post_train), .tag = "training",
       .summary = "Queue a training job (202), or with wait=true run it and return its summary",
       .response_schema = kJob, .success_status = 202,
       .query_params = {{"domain", "string", "one domain (default: every enabled domain)"},
                        {"wait", "boolean", "block until the job is done and answer 200 with the summary"}},
       .waits = true,
       .example_target = "/training/train?domain=movies&wait=false"},
      {.method = Method::kPost, .pattern = "/training/evaluate", .handler = bind(post_evaluate),
       .tag = "training",
       .summary = "Queue an offline evaluation of what a domain would serve (popularity, each model, the blend) on "
                  "held-out data; nothing is saved. 202, or with wait=true 200 with the report",
       .response_schema = kJob, .success_status = 202,
       .query_params = {{"domain", "string", "the domain (required)"},
                        {"split", "string", "random (default; training.test_fraction per user) | temporal | loo"},
                        {"last", "integer", "temporal: interactions per user held out (default 1)"},
                        {"k", "integer", "cut-off of the metrics (default 10, at most 1000)"},
                        {"wait", "boolean", "block until the job is done and answer 200 with the report"}},
       .waits = true,
       .example_target = "/training/evaluate?domain=movies&split=temporal&last=1&k=10&wait=false"},
      {.method = Method::kGet, .pattern = "/training/stats", .handler = bind(get_training_stats), .tag = "training",
       .summary = "Data sizes, new interactions, served model versions, last runs, next scheduled run",
       .response_schema = object_schema({{"domains", list_of({{"type", "object"}})},
                                         {"next_scheduled_run", {{"type", {"string", "null"}}}}}, {"domains"}),
       .query_params = {{"domain", "string", "one domain"}},
       .example_target = "/training/stats?domain=movies"},
      {.method = Method::kGet, .pattern = "/training/jobs/{job_id}", .handler = bind(get_training_job),
       .tag = "training", .summary = "A job's status and its training summaries or evaluation report", .response_schema = kJob,
       .example_target = "/training/jobs/job-1764547200000-1"},
      {.method = Method::kGet, .pattern = "/health", .handler = bind(get_health), .tag = "system",
       .summary = "Liveness and readiness: warehouse open, models loaded per domain",
       .response_schema = object_schema({{"status", string_schema()}, {"ready", {{"type", "boolean"}}},
                                         {"domains", {{"type", "object"}}}}, {"status", "ready"}),
       .needs_key = false,
       .example_target = "/health"},
      {.method = Method::kGet, .pattern = "/metrics", .handler = bind(get_metrics), .tag = "system",
       .summary = "Prometheus metrics", .response_schema = string_schema(),
       .content_type = "text/plain; version=0.0.4",
       .example_target = "/metrics"},
  };
  // The document describes the table it is part of, built once the table is complete.
  auto document = std::make_shared<std::string>();
  routes.push_back({.method = Method::kGet, .pattern = "/openapi.json",
                    .handler = [document](const Request&) { return Response{.status = 200, .body = *document}; },
                    .tag = "system", .summary = "This API as an OpenAPI 3.1 document",
                    .response_schema = {{"type", "object"}},
       .example_target = "/openapi.json"});
  routes.push_back({.method = Method::kGet, .pattern = "/docs",
                    .handler = [](const Request&) {
                      return Response{.status = 200, .content_type = "text/html; charset=utf-8", .body = docs_page()};
                    },
                    .tag = "system", .summary = "Browsable API documentation",
                    .response_schema = string_schema(), .content_type = "text/html",
       .example_target = "/docs"});
  *document = openapi_document(routes, "1.0.0").dump();
  return routes;
}

}  // namespace mxn::api

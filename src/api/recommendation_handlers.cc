// POST /recommendations {user_id, domain, top_k, model_types, query_text}.

#include "api/handlers.h"
#include "api/json_input.h"
#include "core/time.h"

namespace mxn::api {

// Objects are filled key by key: nlohmann's brace lists build every pair as a temporary array first, and
// copy what they are given by name (a whole item list, in the response below).
nlohmann::json item_json(engine::RecommendedItem item) {
  nlohmann::json j = nlohmann::json::object();
  j["item_id"] = std::move(item.item_id);
  j["title"] = std::move(item.title);
  j["score"] = item.score;
  j["rank"] = item.rank;
  j["reason"] = std::move(item.reason);
  j["contributions"] = item.contributions;
  return j;
}

std::pair<engine::Recommendations, std::int64_t> recommend_and_log(Services& s,
                                                                   const engine::RecommendRequest& request) {
  auto recs = s.engine.recommend(request);
  const std::int64_t now = now_us();
  nlohmann::json served = nlohmann::json::array();  // the record keeps what was served, in order, and its score
  for (const auto& item : recs.items) {
    nlohmann::json& record = served.emplace_back(nlohmann::json::object());
    record["item_id"] = item.item_id;
    record["score"] = item.score;
  }
  s.served.record({.user_id = recs.user_id, .domain = recs.domain, .generated_at_us = now,
                   .model_types = recs.models_used, .items = served.dump()});
  return {std::move(recs), now};
}

Response post_recommendations(Services& s, const Request& r) {
  const auto body = parse_object(r);
  std::vector<FieldError> problems;
  JsonFields f(body, "", problems);
  f.reject_unknown({"user_id", "domain", "top_k", "model_types", "query_text"});
  engine::RecommendRequest request;
  request.user_id = f.required_string("user_id");
  request.domain = f.required_string("domain");
  request.top_k = static_cast<std::size_t>(f.optional_integer("top_k", 1, 1000).value_or(10));
  request.model_types = f.optional_strings("model_types").value_or(std::vector<std::string>{});
  request.query_text = f.optional_string("query_text", kQueryBytes).value_or("");
  throw_if_any(problems);

  auto [recs, now] = recommend_and_log(s, request);
  nlohmann::json items = nlohmann::json::array();
  for (auto& item : recs.items) items.push_back(item_json(std::move(item)));
  nlohmann::json out = nlohmann::json::object();
  out["user_id"] = recs.user_id;
  out["domain"] = recs.domain;
  out["generated_at"] = format_iso8601(now);
  out["cold_start"] = recs.cold_start;
  out["models_used"] = recs.models_used;
  out["count"] = items.size();
  out["items"] = std::move(items);
  return json_response(200, out);
}

}  // namespace mxn::api

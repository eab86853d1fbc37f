// POST /recommendations {user_id, domain, top_k, model_types, query_text, filter}, and
// POST /recommendations/batch {user_ids, ...the same}: one JSON line per user, streamed.

#include "api/app.h"
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

namespace {

constexpr std::size_t kMaxFilterIds = 10000;
constexpr std::size_t kMaxBatchUsers = 10000;
constexpr std::size_t kMaxFilterTags = 100;
constexpr std::size_t kMaxMetadataConditions = 32;

/// One entry of filter.metadata: a value (equality), or an object of eq, gt, gte, lt, lte.
engine::MetadataCondition read_condition(const std::string& key, const nlohmann::json& value,
                                         const std::string& field, std::vector<FieldError>& problems) {
  engine::MetadataCondition c{.key = key};
  auto scalar = [](const nlohmann::json& v) { return v.is_string() || v.is_number() || v.is_boolean(); };
  if (scalar(value)) {
    c.equals = value;
    return c;
  }
  if (!value.is_object() || value.empty()) {
    problems.push_back(
        {field, "must be a value (string, number, boolean) or an object of eq, gt, gte, lt, lte"});
    return c;
  }
  bool numbers = false, dates = false;
  for (const auto& [op, bound] : value.items()) {
    const std::string at = field + "." + op;
    if (op == "eq") {
      if (scalar(bound)) {
        c.equals = bound;
      } else {
        problems.push_back({at, "must be a string, number or boolean"});
      }
      continue;
    }
    std::optional<double>* slot = op == "gt"    ? &c.gt
                                  : op == "gte" ? &c.gte
                                  : op == "lt"  ? &c.lt
                                  : op == "lte" ? &c.lte
                                                : nullptr;
    if (slot == nullptr) {
      problems.push_back({at, "unknown operator (known: eq, gt, gte, lt, lte)"});
    } else if (bound.is_number()) {
      *slot = bound.get<double>();
      numbers = true;
    } else if (bound.is_string()) {
      try {
        *slot = static_cast<double>(parse_iso8601(bound.get_ref<const std::string&>(), at));
        dates = true;
      } catch (const Error& e) {
        problems.push_back(
            {at, "must be a number or an ISO-8601 date or time (" + std::string(e.what()) + ")"});
      }
    } else {
      problems.push_back({at, "must be a number or an ISO-8601 date or time"});
    }
  }
  if (numbers && dates) problems.push_back({field, "bounds must be all numbers or all dates"});
  c.dates = dates;
  return c;
}

/// `filter`: business rules on what may be returned (README: Filters). Problems name filter.<key>.
}  // namespace

void read_filter(const nlohmann::json& filter, engine::Filters& out, std::vector<FieldError>& problems) {
  if (filter.is_null()) return;
  if (!filter.is_object()) {
    problems.push_back(
        {"filter", "must be an object of tags_any, tags_all, metadata, exclude_ids, include_ids"});
    return;
  }
  JsonFields f(filter, "filter.", problems);
  f.reject_unknown({"tags_any", "tags_all", "metadata", "exclude_ids", "include_ids"});
  out.catalog.tags_any = f.optional_strings("tags_any", kMaxFilterTags).value_or(std::vector<std::string>{});
  out.catalog.tags_all = f.optional_strings("tags_all", kMaxFilterTags).value_or(std::vector<std::string>{});
  if (auto ids = f.optional_strings("exclude_ids", kMaxFilterIds))
    out.exclude_items.insert(ids->begin(), ids->end());
  if (auto ids = f.optional_strings("include_ids", kMaxFilterIds))
    out.only_items.emplace(ids->begin(), ids->end());
  auto metadata = filter.find("metadata");
  if (metadata == filter.end() || metadata->is_null()) return;
  if (!metadata->is_object()) {
    problems.push_back({"filter.metadata", "must be an object: metadata key -> value or range"});
  } else if (metadata->size() > kMaxMetadataConditions) {
    problems.push_back(
        {"filter.metadata", "must hold at most " + std::to_string(kMaxMetadataConditions) + " keys"});
  } else {
    for (const auto& [key, value] : metadata->items()) {
      if (key.empty() || key.size() > kIdBytes) {
        problems.push_back({"filter.metadata", "keys must have 1 to " + std::to_string(kIdBytes) + " bytes"});
        continue;
      }
      out.catalog.metadata.push_back(read_condition(key, value, "filter.metadata." + key, problems));
    }
  }
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

namespace {

/// The fields a single and a batch request share: domain, top_k, model_types, query_text, filter.
engine::RecommendRequest read_request(const nlohmann::json& body, JsonFields& f,
                                      std::vector<FieldError>& problems) {
  engine::RecommendRequest request;
  request.domain = f.required_string("domain");
  request.top_k = static_cast<std::size_t>(f.optional_integer("top_k", 1, 1000).value_or(10));
  request.model_types = f.optional_strings("model_types").value_or(std::vector<std::string>{});
  request.query_text = f.optional_string("query_text", kQueryBytes).value_or("");
  read_filter(body.value("filter", nlohmann::json()), request.filters, problems);
  return request;
}

/// One user's answer: what POST /recommendations returns, and each line of the batch.
nlohmann::json recommendations_json(engine::Recommendations recs, std::int64_t now) {
  nlohmann::json items = nlohmann::json::array();
  for (auto& item : recs.items) items.push_back(item_json(std::move(item)));
  nlohmann::json out = nlohmann::json::object();
  out["user_id"] = std::move(recs.user_id);
  out["domain"] = std::move(recs.domain);
  out["generated_at"] = format_iso8601(now);
  out["cold_start"] = recs.cold_start;
  out["models_used"] = std::move(recs.models_used);
  out["count"] = items.size();
  out["items"] = std::move(items);
  return out;
}

}  // namespace

Response post_recommendations(Services& s, const Request& r) {
  const auto body = parse_object(r);
  std::vector<FieldError> problems;
  JsonFields f(body, "", problems);
  f.reject_unknown({"user_id", "domain", "top_k", "model_types", "query_text", "filter"});
  const std::string user_id = f.required_string("user_id");
  engine::RecommendRequest request = read_request(body, f, problems);
  request.user_id = user_id;
  throw_if_any(problems);
  auto [recs, now] = recommend_and_log(s, request);
  return json_response(200, recommendations_json(std::move(recs), now));
}

Response post_recommendations_batch(Services& s, const Request& r) {
  const auto body = parse_object(r);
  std::vector<FieldError> problems;
  JsonFields f(body, "", problems);
  f.reject_unknown({"user_ids", "domain", "top_k", "model_types", "query_text", "filter"});
  auto users = f.optional_strings("user_ids", kMaxBatchUsers);
  if (!body.contains("user_ids")) problems.push_back({"user_ids", "is required"});
  if (users && users->empty()) problems.push_back({"user_ids", "must hold at least one user id"});
  for (std::size_t i = 0; users && i < users->size(); ++i) {
    if ((*users)[i].empty()) problems.push_back({"user_ids[" + std::to_string(i) + "]", "must not be empty"});
  }
  engine::RecommendRequest request = read_request(body, f, problems);
  throw_if_any(problems);

  // The first list is made now, so that what is wrong with the request as a whole (an unknown domain or
  // model, a filter no item passes) is its status; the others as the client reads, one JSON line each.
  struct Batch {
    engine::RecommendRequest request;
    std::vector<std::string> users;
    std::size_t next = 0;
    std::optional<std::string> first;
  };
  auto batch = std::make_shared<Batch>(Batch{.request = std::move(request), .users = std::move(*users)});
  const auto line = [&s, batch]() -> std::string {
    batch->request.user_id = batch->users[batch->next++];
    try {
      auto [recs, now] = recommend_and_log(s, batch->request);
      return recommendations_json(std::move(recs), now).dump() + "\n";
    } catch (const Error& e) {  // this user only; the batch goes on
      return nlohmann::json{{"user_id", batch->request.user_id}, {"error", error_json(e)}}.dump(
                 -1, ' ', false, nlohmann::json::error_handler_t::replace) +
             "\n";
    }
  };
  batch->request.user_id = batch->users.front();
  auto [recs, now] = recommend_and_log(s, batch->request);
  batch->first = recommendations_json(std::move(recs), now).dump() + "\n";
  batch->next = 1;
  return Response{.status = 200,
                  .content_type = "application/x-ndjson",
                  .stream = [batch, line]() -> std::optional<std::string> {
                    if (batch->first) return std::exchange(batch->first, std::nullopt);
                    if (batch->next == batch->users.size()) return std::nullopt;
                    return line();
                  }};
}

}  // namespace mxn::api

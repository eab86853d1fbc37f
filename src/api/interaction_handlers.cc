// POST /interactions and POST /interactions/bulk: validated, committed, then acknowledged.

#include "api/handlers.h"
#include "api/json_input.h"
#include "core/time.h"

namespace mxn::api {

Response json_response(int status, const nlohmann::json& body) {
  return {.status = status, .content_type = "application/json", .body = body.dump()};
}

Response post_interaction(Services& s, const Request& r) {
  const auto body = parse_object(r);
  std::vector<FieldError> problems;
  Interaction x = interaction_from_json(body, "", problems);
  throw_if_any(problems);
  const std::int64_t id = s.tracker.track(x);
  s.metrics.add_interactions(x.domain, 1);
  return json_response(201, {{"status", "recorded"}, {"id", id}});
}

Response post_interactions_bulk(Services& s, const Request& r) {
  const auto body = parse_object(r);
  auto list = body.find("interactions");
  if (list == body.end() || !list->is_array()) {
    throw Error(Code::kInvalidArgument, "must be a list of interactions", "interactions");
  }
  if (list->empty()) throw Error(Code::kInvalidArgument, "must hold at least one interaction", "interactions");
  std::vector<FieldError> problems;
  std::vector<Interaction> batch;
  batch.reserve(list->size());
  bool shape_ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::size_t before = problems.size();
    batch.push_back(interaction_from_json((*list)[i], "interactions[" + std::to_string(i) + "].", problems));
    shape_ok = shape_ok && problems.size() == before;
  }
  if (!shape_ok) {
    // Report the value problems of the well-formed rows too, so one response lists every bad index.
    const std::int64_t now = now_us();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::string prefix = "interactions[" + std::to_string(i) + "].";
      bool has_shape_problem = false;
      for (const auto& p : problems) has_shape_problem = has_shape_problem || p.field.rfind(prefix, 0) == 0;
      if (!has_shape_problem) s.tracker.validator().validate(batch[i], now, prefix, problems);
    }
    throw Error(std::move(problems));
  }
  const auto ids = s.tracker.track_many(batch);
  std::map<std::string, std::size_t> per_domain;
  for (const auto& x : batch) ++per_domain[x.domain];
  for (const auto& [domain, n] : per_domain) s.metrics.add_interactions(domain, n);
  return json_response(201, {{"status", "recorded"}, {"count", ids.size()}, {"ids", ids}});
}

}  // namespace mxn::api

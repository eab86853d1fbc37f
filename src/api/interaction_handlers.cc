// POST /interactions and POST /interactions/bulk: validated, committed, then acknowledged.
// DELETE /interactions/{id}: one interaction, by the id its POST returned.

#include <charconv>
#include <limits>

#include "api/handlers.h"
#include "api/json_input.h"
#include "core/log.h"
#include "core/time.h"

namespace mxn::api {

Response json_response(int status, const nlohmann::json& body) {
  return {.status = status, .content_type = "application/json", .body = body.dump()};
}

Page page_of(const Request& r) {
  return {.offset = query_count(r, "offset", 0, 0, std::numeric_limits<std::int32_t>::max()),
          .limit = query_count(r, "limit", 100, 1, 1000)};
}

Response page_response(nlohmann::json fields, const Page& page, std::vector<nlohmann::json> rows) {
  const bool more = rows.size() > page.limit;
  if (more) rows.resize(page.limit);
  fields["offset"] = page.offset;
  fields["limit"] = page.limit;
  fields["count"] = rows.size();
  fields["next_offset"] = more ? nlohmann::json(page.offset + page.limit) : nlohmann::json(nullptr);
  fields["items"] = std::move(rows);
  return json_response(200, fields);
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
  std::vector<FieldError> shape;
  JsonFields(body, "", shape).reject_unknown({"interactions"});
  throw_if_any(shape);
  auto list = body.find("interactions");
  if (list == body.end() || !list->is_array()) {
    throw Error(Code::kInvalidArgument, "must be a list of interactions", "interactions");
  }
  if (list->empty()) throw Error(Code::kInvalidArgument, "must hold at least one interaction", "interactions");
  std::vector<FieldError> problems;
  std::vector<Interaction> batch;
  batch.reserve(list->size());
  std::vector<bool> misshapen(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::size_t before = problems.size();
    batch.push_back(interaction_from_json((*list)[i], "interactions[" + std::to_string(i) + "].", problems));
    misshapen[i] = problems.size() != before;
  }
  if (!problems.empty()) {
    // Report the value problems of the well-formed rows too, so one response lists every bad index; a
    // misshapen row has nothing more to say.
    const std::int64_t now = now_us();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!misshapen[i])
        s.tracker.validator().validate(batch[i], now, "interactions[" + std::to_string(i) + "].", problems);
    }
    throw Error(std::move(problems));
  }
  const auto ids = s.tracker.track_many(batch);
  std::map<std::string, std::size_t> per_domain;
  for (const auto& x : batch) ++per_domain[x.domain];
  for (const auto& [domain, n] : per_domain) s.metrics.add_interactions(domain, n);
  return json_response(201, {{"status", "recorded"}, {"count", ids.size()}, {"ids", ids}});
}

Response delete_interaction(Services& s, const Request& r) {
  const std::string& text = r.path_param("id");
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    throw Error(Code::kInvalidArgument, "must be an interaction id (a positive integer)", "id");
  }
  const auto deleted = s.tracker.exclusively([&] {
    auto row = s.warehouse.delete_interaction(id);
    if (row)
      s.engine.forget_interaction(
          *row, s.warehouse.user_history(row->user_id, {.domain = row->domain, .item_id = row->item_id}));
    return row;
  });
  if (!deleted) throw Error(Code::kNotFound, "unknown interaction " + text, "id");
  log::info("audit.interaction_deleted", "id", id, "user_id", deleted->user_id, "domain", deleted->domain,
            "item_id", deleted->item_id);
  return json_response(200, {{"status", "deleted"},
                             {"id", id},
                             {"user_id", deleted->user_id},
                             {"domain", deleted->domain},
                             {"item_id", deleted->item_id}});
}

}  // namespace mxn::api

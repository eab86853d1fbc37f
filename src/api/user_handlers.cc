// Users: GET /users (listing), GET /users/{user_id}/history (cursor paging), GET /users/{user_id}/similar,
// DELETE /users/{user_id}.

#include <charconv>

#include "api/handlers.h"
#include "api/json_input.h"
#include "core/log.h"
#include "core/time.h"
#include "core/utf8.h"

namespace mxn::api {

namespace {

/// A history cursor as the API shows it: "<timestamp in epoch us>:<id>" of a page's last row.
std::string cursor_text(const warehouse::InteractionRecord& x) {
  return std::to_string(x.timestamp_us) + ":" + std::to_string(x.id);
}

std::optional<warehouse::HistoryCursor> read_cursor(const Request& r) {
  const auto text = r.query_param("cursor");
  if (!text) return std::nullopt;
  warehouse::HistoryCursor cursor;
  const char* end = text->data() + text->size();
  auto [colon, e1] = std::from_chars(text->data(), end, cursor.timestamp_us);
  if (e1 == std::errc() && colon != end && *colon == ':') {
    auto [last, e2] = std::from_chars(colon + 1, end, cursor.id);
    if (e2 == std::errc() && last == end) return cursor;
  }
  throw Error(Code::kInvalidArgument, "must be a next_cursor of an earlier page", "cursor");
}

Error unknown_user(const std::string& user_id) {
  return Error(Code::kNotFound, "unknown user " + quote(user_id), "user_id");
}

}  // namespace

Response get_user_history(Services& s, const Request& r) {
  const auto& user_id = r.path_param("user_id");
  const std::string domain = r.query_param("domain").value_or("");
  if (!domain.empty()) s.config.domain(domain);
  const std::size_t limit = query_count(r, "limit", 100, 1, 10000);
  const auto after = read_cursor(r);
  if (!s.warehouse.get_user(user_id)) throw unknown_user(user_id);
  auto rows = s.warehouse.user_history(user_id, {.domain = domain, .limit = limit + 1, .after = after});
  const bool more = rows.size() > limit;
  if (more) rows.resize(limit);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& x : rows) {
    items.push_back({{"id", x.id},
                     {"domain", x.domain},
                     {"item_id", x.item_id},
                     {"interaction_type", x.type},
                     {"rating", x.rating ? nlohmann::json(*x.rating) : nlohmann::json(nullptr)},
                     {"weight", x.weight},
                     {"timestamp", format_iso8601(x.timestamp_us)}});
  }
  return json_response(200,
                       {{"user_id", user_id},
                        {"count", items.size()},
                        {"items", items},
                        {"next_cursor", more ? nlohmann::json(cursor_text(rows.back())) : nlohmann::json()}});
}

Response get_users(Services& s, const Request& r) {
  const std::string domain = r.query_param("domain").value_or("");
  if (!domain.empty()) s.config.domain(domain);
  const Page page = page_of(r);
  std::vector<nlohmann::json> rows;
  for (const auto& u : s.warehouse.list_users(domain, page.limit + 1, page.offset)) {
    rows.push_back({{"user_id", u.user_id},
                    {"first_seen", format_iso8601(u.first_seen_us)},
                    {"last_seen", format_iso8601(u.last_seen_us)}});
  }
  return page_response({{"domain", domain.empty() ? nlohmann::json() : nlohmann::json(domain)}}, page,
                       std::move(rows));
}

Response get_similar_users(Services& s, const Request& r) {
  const auto& user_id = r.path_param("user_id");
  const auto domain = r.query_param("domain");
  if (!domain) throw Error(Code::kInvalidArgument, "is required", "domain");
  s.config.domain(*domain);
  const std::size_t k = query_count(r, "top_k", 10, 1, engine::kMaxTopK);
  if (!s.warehouse.get_user(user_id)) throw unknown_user(user_id);
  nlohmann::json users = nlohmann::json::array();
  for (const auto& u : s.engine.live(*domain).similar_users(user_id, k)) {
    users.push_back({{"user_id", u.user_id}, {"score", u.score}, {"items_in_common", u.in_common}});
  }
  return json_response(
      200, {{"user_id", user_id}, {"domain", *domain}, {"count", users.size()}, {"users", users}});
}

Response delete_user(Services& s, const Request& r) {
  const auto& user_id = r.path_param("user_id");
  s.served.flush();  // lists served before the request are written, so that the deletion removes them too
  const auto deleted = s.tracker.exclusively([&] {
    auto result = s.warehouse.delete_user(user_id);
    if (result.known) s.engine.forget_user(user_id);
    return result;
  });
  if (!deleted.known) throw unknown_user(user_id);
  log::info("audit.user_deleted", "user_id", user_id, "interactions", deleted.interactions, "served_lists",
            deleted.served_lists);
  return json_response(200, {{"status", "deleted"},
                             {"user_id", user_id},
                             {"interactions", deleted.interactions},
                             {"served_lists", deleted.served_lists}});
}

}  // namespace mxn::api

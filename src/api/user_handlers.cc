// GET /users/{user_id}/history?domain=&limit=, DELETE /users/{user_id}.

#include "api/handlers.h"
#include "api/json_input.h"
#include "core/log.h"
#include "core/time.h"
#include "core/utf8.h"

namespace mxn::api {

Response get_user_history(Services& s, const Request& r) {
  const auto& user_id = r.path_param("user_id");
  const std::string domain = r.query_param("domain").value_or("");
  if (!domain.empty()) s.config.domain(domain);
  const std::size_t limit = query_count(r, "limit", 100, 1, 10000);
  if (!s.warehouse.get_user(user_id))
    throw Error(Code::kNotFound, "unknown user " + quote(user_id), "user_id");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& x : s.warehouse.user_history(user_id, domain, limit)) {
    items.push_back({{"id", x.id},
                     {"domain", x.domain},
                     {"item_id", x.item_id},
                     {"interaction_type", x.type},
                     {"rating", x.rating ? nlohmann::json(*x.rating) : nlohmann::json(nullptr)},
                     {"weight", x.weight},
                     {"timestamp", format_iso8601(x.timestamp_us)}});
  }
  return json_response(200, {{"user_id", user_id}, {"count", items.size()}, {"items", items}});
}

Response delete_user(Services& s, const Request& r) {
  const auto& user_id = r.path_param("user_id");
  s.served.flush();  // lists served before the request are written, so that the deletion removes them too
  const auto deleted = s.warehouse.delete_user(user_id);
  if (!deleted.known) throw Error(Code::kNotFound, "unknown user " + quote(user_id), "user_id");
  s.engine.forget_user(user_id);
  log::info("audit.user_deleted", "user_id", user_id, "interactions", deleted.interactions, "served_lists",
            deleted.served_lists);
  return json_response(200, {{"status", "deleted"},
                             {"user_id", user_id},
                             {"interactions", deleted.interactions},
                             {"served_lists", deleted.served_lists}});
}

}  // namespace mxn::api

// GET /users/{user_id}/history?domain=&limit=

#include "api/handlers.h"
#include "api/json_input.h"
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

}  // namespace mxn::api

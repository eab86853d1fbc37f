#include "automation/listed_item.h"

#include "core/error.h"
#include "core/time.h"

namespace mxn::automation {

nlohmann::json listed_item_json(const ListedItem& item) {
  return {{"item_id", item.item_id}, {"title", item.title}, {"rank", item.rank},
          {"score", item.score},     {"reason", item.reason}};
}

nlohmann::json envelope_json(const std::string& user_id, std::int64_t generated_at_us, const std::string& domain,
                             nlohmann::json items) {
  MXN_CHECK(items.is_array(), "automation items must be a JSON array");
  nlohmann::json out = nlohmann::json::object();
  out["user_id"] = user_id;
  out["generated_at"] = format_iso8601(generated_at_us);
  out["domain"] = domain;
  out["count"] = items.size();
  out["items"] = std::move(items);
  return out;
}

}  // namespace mxn::automation

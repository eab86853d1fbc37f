#pragma once
// The fields every automation item and every automation response share, and their JSON, so that an n8n
// workflow can forward any of the three lists as it is:
//
//   {"user_id": "u1", "generated_at": "2024-05-01T07:00:00Z", "domain": "music", "count": 2,
//    "items": [{"item_id": "song_7", "title": "...", "rank": 1, "score": 0.93, "reason": "...", <domain fields>},
//              ...]}

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace mxn::automation {

/// One item of an automation list; each automation adds its domain's fields.
struct ListedItem {
  std::string item_id;
  std::string title;
  int rank = 0;      // 1-based position in the list
  double score = 0;  // what the list was ranked by (each automation documents its scale)
  std::string reason;
};

/// {"item_id", "title", "rank", "score", "reason"}.
nlohmann::json listed_item_json(const ListedItem& item);

/// The response envelope: {"user_id", "generated_at" (ISO-8601 UTC), "domain", "count" (= items.size()),
/// "items"}. `items` must be a JSON array.
nlohmann::json envelope_json(const std::string& user_id, std::int64_t generated_at_us, const std::string& domain,
                             nlohmann::json items);

}  // namespace mxn::automation

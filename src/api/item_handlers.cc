// The catalog: PUT/POST /items (replace), POST /items/bulk, GET, PATCH (merge) and DELETE
// /items/{domain}/{item_id}, GET .../similar.

#include "api/handlers.h"
#include "api/json_input.h"
#include "core/log.h"
#include "core/time.h"
#include "core/utf8.h"

namespace mxn::api {

namespace {

warehouse::CatalogItem item_from_json(const Services& s, const nlohmann::json& object, const std::string& prefix,
                                      std::vector<FieldError>& problems) {
  warehouse::CatalogItem item;
  if (!object.is_object()) {
    problems.push_back({prefix.empty() ? "body" : prefix.substr(0, prefix.size() - 1), "must be a JSON object"});
    return item;
  }
  JsonFields f(object, prefix, problems);
  f.reject_unknown({"domain", "item_id", "title", "description", "tags", "metadata"});
  item.domain = f.required_string("domain");
  item.item_id = f.required_string("item_id");
  item.title = f.optional_string("title", kTextBytes).value_or("");
  item.description = f.optional_string("description", kTextBytes).value_or("");
  item.tags = f.optional_strings("tags").value_or(std::vector<std::string>{});
  item.metadata =
      f.optional_object_text("metadata", static_cast<std::size_t>(s.config.interactions.max_metadata_bytes));
  if (!item.domain.empty()) {
    auto d = s.config.domains.find(item.domain);
    if (d == s.config.domains.end() || !d->second.enabled) {
      problems.push_back({prefix + "domain", "unknown or disabled domain " + quote(item.domain)});
    }
  }
  // (JSON text is UTF-8 by the parser's check; the sizes are JsonFields'.)
  if (object.contains("item_id") && object["item_id"].is_string() &&
      object["item_id"].get_ref<const std::string&>().empty()) {
    problems.push_back({prefix + "item_id", "must not be empty"});
  }
  return item;
}

Error unknown_item(const std::string& domain, const std::string& item_id) {
  return Error(Code::kNotFound, "unknown item " + quote(item_id) + " in domain " + quote(domain), "item_id");
}

nlohmann::json catalog_json(const warehouse::CatalogItem& item) {
  return {{"domain", item.domain},
          {"item_id", item.item_id},
          {"title", item.title},
          {"description", item.description},
          {"tags", item.tags},
          {"metadata", item.metadata.empty() ? nlohmann::json::object() : nlohmann::json::parse(item.metadata)},
          {"created_at", format_iso8601(item.created_at_us)},
          {"updated_at", format_iso8601(item.updated_at_us)}};
}

}  // namespace

Response put_item(Services& s, const Request& r) {
  const auto body = parse_object(r);
  std::vector<FieldError> problems;
  auto item = item_from_json(s, body, "", problems);
  throw_if_any(problems);
  const bool existed = s.tracker.exclusively([&] {
    const bool known = s.engine.catalog().get(item.domain, item.item_id) != nullptr;
    s.warehouse.upsert_item(item);
    s.engine.observe_item(item);
    return known;
  });
  return json_response(existed ? 200 : 201,
                       {{"status", existed ? "updated" : "created"}, {"domain", item.domain}, {"item_id", item.item_id}});
}

Response post_items_bulk(Services& s, const Request& r) {
  const auto body = parse_object(r);
  std::vector<FieldError> shape;
  JsonFields(body, "", shape).reject_unknown({"items"});
  throw_if_any(shape);
  auto list = body.find("items");
  if (list == body.end() || !list->is_array() || list->empty()) {
    throw Error(Code::kInvalidArgument, "must be a non-empty list of items", "items");
  }
  std::vector<FieldError> problems;
  std::vector<warehouse::CatalogItem> items;
  for (std::size_t i = 0; i < list->size(); ++i) {
    items.push_back(item_from_json(s, (*list)[i], "items[" + std::to_string(i) + "].", problems));
  }
  throw_if_any(problems);
  s.tracker.exclusively([&] {
    s.warehouse.upsert_items(items);
    for (const auto& item : items) s.engine.observe_item(item);
  });
  return json_response(200, {{"status", "upserted"}, {"count", items.size()}});
}

Response get_item(Services& s, const Request& r) {
  const auto& domain = r.path_param("domain");
  s.config.domain(domain);
  auto item = s.warehouse.get_item(domain, r.path_param("item_id"));
  if (!item) throw unknown_item(domain, r.path_param("item_id"));
  return json_response(200, catalog_json(*item));
}

Response get_items(Services& s, const Request& r) {
  const auto& domain = r.path_param("domain");
  s.config.domain(domain);
  const std::string tag = r.query_param("tag").value_or("");
  const Page page = page_of(r);
  std::vector<nlohmann::json> rows;
  for (const auto& item : s.warehouse.list_items(domain, page.limit + 1, page.offset, tag)) {
    rows.push_back(catalog_json(item));
  }
  return page_response({{"domain", domain}}, page, std::move(rows));
}

Response patch_item(Services& s, const Request& r) {
  const auto& domain = r.path_param("domain");
  const auto& item_id = r.path_param("item_id");
  s.config.domain(domain);
  const auto patch = parse_object(r);
  std::vector<FieldError> problems;
  JsonFields(patch, "", problems).reject_unknown({"title", "description", "tags", "metadata"});
  throw_if_any(problems);
  // Read, merge, write, with no other catalog change or deletion in between.
  const auto stored = s.tracker.exclusively([&] {
    const auto current = s.warehouse.get_item(domain, item_id);
    if (!current) throw unknown_item(domain, item_id);
    nlohmann::json merged = catalog_json(*current);
    merged.erase("created_at");
    merged.erase("updated_at");
    merged.merge_patch(patch);  // RFC 7396: objects merge, null removes (a removed field is left empty)
    auto item = item_from_json(s, merged, "", problems);
    throw_if_any(problems);
    s.warehouse.upsert_item(item);
    s.engine.observe_item(item);
    return s.warehouse.get_item(domain, item_id);
  });
  if (!stored) throw unknown_item(domain, item_id);
  return json_response(200, catalog_json(*stored));
}

Response delete_item(Services& s, const Request& r) {
  const auto& domain = r.path_param("domain");
  const auto& item_id = r.path_param("item_id");
  s.config.domain(domain);
  const auto interactions = s.tracker.exclusively([&] {
    auto deleted = s.warehouse.delete_item(domain, item_id);
    if (deleted) s.engine.withdraw_item(domain, item_id);
    return deleted;
  });
  if (!interactions) throw unknown_item(domain, item_id);
  log::info("audit.item_deleted", "domain", domain, "item_id", item_id, "interactions", *interactions);
  return json_response(
      200,
      {{"status", "deleted"}, {"domain", domain}, {"item_id", item_id}, {"interactions", *interactions}});
}

Response get_similar_items(Services& s, const Request& r) {
  const std::size_t k = query_count(r, "top_k", 10, 1, engine::kMaxTopK);
  const auto similar = s.engine.similar_items(r.path_param("domain"), r.path_param("item_id"), k);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : similar) items.push_back(item_json(item));
  return json_response(200, {{"domain", r.path_param("domain")},
                             {"item_id", r.path_param("item_id")},
                             {"count", items.size()},
                             {"items", items}});
}

}  // namespace mxn::api

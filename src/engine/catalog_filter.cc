#include "engine/catalog_filter.h"

#include <algorithm>

#include "core/error.h"
#include "core/time.h"
#include "core/utf8.h"

namespace mxn::engine {

namespace {

bool has_tag(const CatalogEntry& item, const std::string& tag) {
  return std::any_of(item.tags.begin(), item.tags.end(),
                     [&](const std::string& t) { return iequals(t, tag); });
}

/// The value as a number on the condition's scale (a number, or an instant when the condition is on dates).
std::optional<double> scalar(const nlohmann::json& value, bool dates) {
  if (!dates) return value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt;
  if (!value.is_string()) return std::nullopt;
  try {
    return static_cast<double>(parse_iso8601(value.get_ref<const std::string&>()));
  } catch (const Error&) {
    return std::nullopt;  // not a date: does not match
  }
}

bool equal(const nlohmann::json& value, const nlohmann::json& wanted) {
  if (value.is_array())
    return std::any_of(value.begin(), value.end(), [&](const auto& v) { return equal(v, wanted); });
  if (value.is_number() && wanted.is_number()) return value.get<double>() == wanted.get<double>();
  return value == wanted;
}

bool holds(const MetadataCondition& c, const nlohmann::json& metadata) {
  auto it = metadata.find(c.key);
  if (it == metadata.end()) return false;
  if (c.equals && !equal(*it, *c.equals)) return false;
  if (!c.gt && !c.gte && !c.lt && !c.lte) return true;
  const auto x = scalar(*it, c.dates);
  return x && (!c.gt || *x > *c.gt) && (!c.gte || *x >= *c.gte) && (!c.lt || *x < *c.lt) &&
         (!c.lte || *x <= *c.lte);
}

nlohmann::json bound(const std::optional<double>& b) {
  return b ? nlohmann::json(*b) : nlohmann::json(nullptr);
}

}  // namespace

std::string CatalogFilter::key() const {
  nlohmann::json conditions = nlohmann::json::array();
  for (const auto& c : metadata) {
    conditions.push_back({c.key, c.equals ? *c.equals : nlohmann::json(nullptr), bound(c.gt), bound(c.gte),
                          bound(c.lt), bound(c.lte), c.dates});
  }
  return nlohmann::json::array({tags_any, tags_all, conditions}).dump();
}

bool CatalogFilter::matches(const CatalogEntry& item) const {
  if (!tags_any.empty() &&
      std::none_of(tags_any.begin(), tags_any.end(), [&](const auto& t) { return has_tag(item, t); })) {
    return false;
  }
  if (!std::all_of(tags_all.begin(), tags_all.end(), [&](const auto& t) { return has_tag(item, t); }))
    return false;
  return std::all_of(metadata.begin(), metadata.end(),
                     [&](const auto& c) { return holds(c, item.metadata); });
}

}  // namespace mxn::engine

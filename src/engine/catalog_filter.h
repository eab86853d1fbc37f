#pragma once
// CatalogFilter: business rules on the catalog for a request ("only dramas", "released after 2020", "in
// stock"): tags any-of and all-of (case-insensitive), and conditions on metadata values, equal to a value
// (a list value matches when it holds it) or within a range (numbers, or ISO-8601 dates and times). The
// engine turns it into the set of items the models may return, so that their top k is taken among matching
// items and a list has top_k items whenever that many match.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/catalog_cache.h"

namespace mxn::engine {

struct MetadataCondition {
  std::string key;
  std::optional<nlohmann::json> equals;  // a string, number or boolean
  // Range bounds: all numbers, or all ISO-8601 dates/times (then compared as instants, parsed once here).
  std::optional<double> gt, gte, lt, lte;
  bool dates = false;  // the bounds are instants (epoch microseconds); the item's value must be a date too
};

struct CatalogFilter {
  std::vector<std::string> tags_any;  // at least one of these
  std::vector<std::string> tags_all;  // every one of these
  std::vector<MetadataCondition> metadata;

  bool empty() const { return tags_any.empty() && tags_all.empty() && metadata.empty(); }
  bool matches(const CatalogEntry& item) const;
  /// The same text for the same rules (what the engine keeps a filter's matching items under).
  std::string key() const;
};

}  // namespace mxn::engine

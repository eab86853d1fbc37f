#pragma once
// CatalogCache: what serving needs of each catalog item (title, tags, metadata) in memory, per domain, so
// that a request never queries the warehouse. Loaded at start, updated on every catalog upsert. Thread-safe.

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "warehouse/records.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::engine {

struct CatalogEntry {
  std::string item_id;
  std::string title;
  std::vector<std::string> tags;
  nlohmann::json metadata = nlohmann::json::object();  // parsed; {} when empty or invalid
};

class CatalogCache {
 public:
  /// Replaces the domain's entries with the warehouse's catalog.
  void load(const warehouse::Warehouse& warehouse, const std::string& domain);
  void upsert(const warehouse::CatalogItem& item);
  void erase(const std::string& domain, const std::string& item_id);
  /// Null when the item is not in the catalog.
  std::shared_ptr<const CatalogEntry> get(const std::string& domain, const std::string& item_id) const;
  /// Every entry of a domain (unordered).
  std::vector<std::shared_ptr<const CatalogEntry>> all(const std::string& domain) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::unordered_map<std::string, std::shared_ptr<const CatalogEntry>>> domains_;
};

}  // namespace mxn::engine

#pragma once
// CatalogCache: what serving needs of each catalog item (title, tags, metadata) in memory, per domain, so
// that a request never queries the warehouse. Loaded at start, updated on every catalog upsert. Thread-safe;
// a version counts its changes, so that what is derived from it (the engine's filtered item lists) can tell
// when it is out of date.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
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
  /// Calls fn(entry) for every entry of a domain (unordered) under the cache's read lock, without copying
  /// them: fn must not call back into the cache, nor take a lock that is held around a call to it. Returns
  /// the version the entries are of.
  template <typename Fn>
  std::uint64_t for_each(const std::string& domain, Fn&& fn) const {
    std::shared_lock lock(mutex_);
    if (auto d = domains_.find(domain); d != domains_.end()) {
      for (const auto& entry : d->second) fn(*entry.second);
    }
    return version_;
  }
  /// Changes since the cache was made (every load, upsert and erase counts one).
  std::uint64_t version() const;

 private:
  mutable std::shared_mutex mutex_;
  std::uint64_t version_ = 0;  // under mutex_
  std::map<std::string, std::unordered_map<std::string, std::shared_ptr<const CatalogEntry>>> domains_;
};

}  // namespace mxn::engine

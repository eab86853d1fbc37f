#pragma once
// CatalogCache: what serving needs of each catalog item (title, tags, metadata) in memory, per domain, so
// that a request never queries the warehouse. Loaded at start, updated on every catalog upsert. Thread-safe;
// each domain's version counts its changes, and the items of its latest changes are kept, so that what is
// derived from a domain's catalog (the engine's filtered item lists) can tell when it is out of date and
// bring itself up to date by looking at the changed items only.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
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
  /// How many of a domain's latest changes changes_since can report.
  static constexpr std::size_t kKeptChanges = 4096;

  /// The items changed in a domain after a version, as they are now (null: erased), and the version that is.
  struct Changes {
    std::uint64_t version = 0;
    std::vector<std::pair<std::string, std::shared_ptr<const CatalogEntry>>> items;  // each item once
  };

  /// Replaces the domain's entries with the warehouse's catalog.
  void load(const warehouse::Warehouse& warehouse, const std::string& domain);
  void upsert(const warehouse::CatalogItem& item);
  void erase(const std::string& domain, const std::string& item_id);
  /// Null when the item is not in the catalog.
  std::shared_ptr<const CatalogEntry> get(const std::string& domain, const std::string& item_id) const;
  /// Calls fn(entry) for every entry of a domain (unordered) under the cache's read lock, without copying
  /// them: fn must not call back into the cache, nor take a lock that is held around a call to it. Returns
  /// the domain's version the entries are of.
  template <typename Fn>
  std::uint64_t for_each(const std::string& domain, Fn&& fn) const {
    std::shared_lock lock(mutex_);
    auto d = domains_.find(domain);
    if (d == domains_.end()) return 0;
    for (const auto& entry : d->second.entries) fn(*entry.second);
    return d->second.version;
  }
  /// The domain's changes so far (every load, upsert and erase of one of its items counts one).
  std::uint64_t version(const std::string& domain) const;
  /// What changed in the domain after `since`; nullopt when that is not known any more (more than
  /// kKeptChanges changes ago, or before a load).
  std::optional<Changes> changes_since(const std::string& domain, std::uint64_t since) const;

 private:
  struct Domain {
    std::unordered_map<std::string, std::shared_ptr<const CatalogEntry>> entries;
    std::uint64_t version = 0;
    std::deque<std::string> recent;  // the item of each change after version - recent.size()
  };
  static void record_change(Domain& d, const std::string& item_id);  // under mutex_

  mutable std::shared_mutex mutex_;
  std::map<std::string, Domain> domains_;
};

}  // namespace mxn::engine

#include "engine/catalog_cache.h"

#include <mutex>
#include <unordered_set>

#include "warehouse/warehouse.h"

namespace mxn::engine {

namespace {
std::shared_ptr<const CatalogEntry> entry_of(const warehouse::CatalogItem& item) {
  auto e = std::make_shared<CatalogEntry>();
  e->item_id = item.item_id;
  e->title = item.title;
  e->tags = item.tags;
  if (!item.metadata.empty()) {
    auto parsed = nlohmann::json::parse(item.metadata, nullptr, false);
    if (parsed.is_object()) e->metadata = std::move(parsed);
  }
  return e;
}
}  // namespace

void CatalogCache::load(const warehouse::Warehouse& warehouse, const std::string& domain) {
  std::unordered_map<std::string, std::shared_ptr<const CatalogEntry>> entries;
  for (const auto& item : warehouse.list_items(domain)) entries[item.item_id] = entry_of(item);
  std::unique_lock lock(mutex_);
  Domain& d = domains_[domain];
  d.entries = std::move(entries);
  ++d.version;
  d.recent.clear();  // every item may have changed
}

void CatalogCache::record_change(Domain& d, const std::string& item_id) {
  ++d.version;
  d.recent.push_back(item_id);
  if (d.recent.size() > kKeptChanges) d.recent.pop_front();
}

void CatalogCache::upsert(const warehouse::CatalogItem& item) {
  auto e = entry_of(item);
  std::unique_lock lock(mutex_);
  Domain& d = domains_[item.domain];
  d.entries[item.item_id] = std::move(e);
  record_change(d, item.item_id);
}

void CatalogCache::erase(const std::string& domain, const std::string& item_id) {
  std::unique_lock lock(mutex_);
  if (auto d = domains_.find(domain); d != domains_.end() && d->second.entries.erase(item_id) > 0) {
    record_change(d->second, item_id);
  }
}

std::shared_ptr<const CatalogEntry> CatalogCache::get(const std::string& domain, const std::string& item_id) const {
  std::shared_lock lock(mutex_);
  auto d = domains_.find(domain);
  if (d == domains_.end()) return nullptr;
  auto it = d->second.entries.find(item_id);
  return it == d->second.entries.end() ? nullptr : it->second;
}

std::uint64_t CatalogCache::version(const std::string& domain) const {
  std::shared_lock lock(mutex_);
  auto d = domains_.find(domain);
  return d == domains_.end() ? 0 : d->second.version;
}

std::optional<CatalogCache::Changes> CatalogCache::changes_since(const std::string& domain,
                                                                 std::uint64_t since) const {
  std::shared_lock lock(mutex_);
  auto d = domains_.find(domain);
  if (d == domains_.end()) return since == 0 ? std::optional<Changes>(Changes{}) : std::nullopt;
  const Domain& dom = d->second;
  if (since > dom.version || dom.version - since > dom.recent.size()) return std::nullopt;
  Changes out{.version = dom.version};
  std::unordered_set<std::string_view> seen;
  for (auto it = dom.recent.end() - static_cast<std::ptrdiff_t>(dom.version - since); it != dom.recent.end();
       ++it) {
    if (!seen.insert(*it).second) continue;
    auto entry = dom.entries.find(*it);
    out.items.emplace_back(*it, entry == dom.entries.end() ? nullptr : entry->second);
  }
  return out;
}

}  // namespace mxn::engine

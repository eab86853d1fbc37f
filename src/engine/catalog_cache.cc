#include "engine/catalog_cache.h"

#include <mutex>

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
  domains_[domain] = std::move(entries);
  ++version_;
}

void CatalogCache::upsert(const warehouse::CatalogItem& item) {
  auto e = entry_of(item);
  std::unique_lock lock(mutex_);
  domains_[item.domain][item.item_id] = std::move(e);
  ++version_;
}

void CatalogCache::erase(const std::string& domain, const std::string& item_id) {
  std::unique_lock lock(mutex_);
  if (auto d = domains_.find(domain); d != domains_.end()) d->second.erase(item_id);
  ++version_;
}

std::shared_ptr<const CatalogEntry> CatalogCache::get(const std::string& domain, const std::string& item_id) const {
  std::shared_lock lock(mutex_);
  auto d = domains_.find(domain);
  if (d == domains_.end()) return nullptr;
  auto it = d->second.find(item_id);
  return it == d->second.end() ? nullptr : it->second;
}

std::uint64_t CatalogCache::version() const {
  std::shared_lock lock(mutex_);
  return version_;
}

}  // namespace mxn::engine

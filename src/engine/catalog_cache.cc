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
}

void CatalogCache::upsert(const warehouse::CatalogItem& item) {
  auto e = entry_of(item);
  std::unique_lock lock(mutex_);
  domains_[item.domain][item.item_id] = std::move(e);
}

void CatalogCache::erase(const std::string& domain, const std::string& item_id) {
  std::unique_lock lock(mutex_);
  if (auto d = domains_.find(domain); d != domains_.end()) d->second.erase(item_id);
}

std::shared_ptr<const CatalogEntry> CatalogCache::get(const std::string& domain, const std::string& item_id) const {
  std::shared_lock lock(mutex_);
  auto d = domains_.find(domain);
  if (d == domains_.end()) return nullptr;
  auto it = d->second.find(item_id);
  return it == d->second.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const CatalogEntry>> CatalogCache::all(const std::string& domain) const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<const CatalogEntry>> out;
  auto d = domains_.find(domain);
  if (d == domains_.end()) return out;
  out.reserve(d->second.size());
  for (const auto& [id, e] : d->second) out.push_back(e);
  return out;
}

}  // namespace mxn::engine

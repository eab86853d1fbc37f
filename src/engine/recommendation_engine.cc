#include "engine/recommendation_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "core/utf8.h"
#include "data/row_buffer.h"
#include "data/snapshot.h"
#include "engine/domain_settings.h"
#include "models/registry.h"
#include "warehouse/warehouse.h"

namespace mxn::engine {

namespace {

/// The model index of a live item, or -1.
ItemIndex to_model(const ServedModel& m, const LiveIndex& live, ItemIndex live_item) {
  if (static_cast<std::size_t>(live_item) < m.from_live.size()) return m.from_live[live_item];
  return m.items.find(live.item_name(live_item)).value_or(-1);
}

}  // namespace

RecommendationEngine::RecommendationEngine(const warehouse::Warehouse& warehouse, const ModelStore& store,
                                           const config::Config& config)
    : warehouse_(warehouse), store_(store), config_(config) {
  for (const auto& [name, domain] : config.domains) {
    if (!domain.enabled) continue;
    auto s = std::make_unique<DomainState>(domain.ratings);
    s->models.store(std::make_shared<const ModelSet>(ModelSet{.settings = {.config = domain}}));
    domains_.emplace(name, std::move(s));
  }
}

RecommendationEngine::DomainState& RecommendationEngine::state(const std::string& domain) const {
  config_.domain(domain);  // unknown or disabled: Error{kNotFound, "domain"}
  return *domains_.at(domain);
}

const LiveIndex& RecommendationEngine::live(const std::string& domain) const { return state(domain).live; }

std::shared_ptr<const ModelSet> RecommendationEngine::models(const std::string& domain) const {
  return state(domain).models.load();
}

void RecommendationEngine::start() {
  for (auto& slot : domains_) {
    const std::string& name = slot.first;
    DomainState* s = slot.second.get();  // not a structured binding: the lambda below captures it
    catalog_.load(warehouse_, name);
    catalog_.for_each(name, [s](const CatalogEntry& entry) { s->live.item_index(entry.item_id); });
    std::vector<warehouse::InteractionRecord> batch;
    warehouse_.scan_interactions(name, [&](const warehouse::InteractionChunk& chunk) {
      batch.resize(chunk.size());
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        batch[i].user_id.assign(chunk.user_ids[i]);
        batch[i].item_id.assign(chunk.item_ids[i]);
        batch[i].rating = chunk.ratings[i];
        batch[i].weight = chunk.weights[i];
        batch[i].timestamp_us = chunk.timestamps_us[i];
      }
      s->live.apply(batch);
    });
    change_withdrawn(*s, [&](Withdrawn& w) {
      for (auto& id : warehouse_.deleted_items(name)) {
        w.live.push_back(s->live.item_index(id));
        w.ids.insert(std::move(id));
      }
    });
    publish(name);
    log::info("engine.domain_ready", "domain", name, "users", s->live.n_users(), "items", s->live.n_items(),
              "models", s->models.load()->models.size());
  }
  started_ = true;
}

void RecommendationEngine::publish(const std::string& domain) {
  DomainState& s = state(domain);
  std::lock_guard lock(s.publishing);
  auto set = std::make_shared<ModelSet>();
  set->published_at_us = now_us();
  set->settings = domain_settings(config_, store_, domain);
  for (const auto name : kModelNames) {
    auto loaded = store_.load_serving(domain, std::string(name));
    if (!loaded) continue;
    log::info("engine.model_published", "domain", domain, "model", name, "version", loaded->meta.version);
    add_served_model(*set, s.live, std::string(name), std::move(loaded->model), std::move(loaded->items),
                     std::move(loaded->meta));
  }
  if (!set->models.contains("popularity")) add_popularity_from_warehouse(*set, s.live, domain);
  s.models.store(std::move(set));
}

void RecommendationEngine::add_popularity_from_warehouse(ModelSet& set, LiveIndex& live,
                                                         const std::string& domain) const {
  const config::DomainConfig& d = config_.domain(domain);
  data::DomainSnapshot snap = data::snapshot_domain(warehouse_, domain, d.ratings, 1);
  auto model = models::make_recommender("popularity", d.models, "domains." + domain + ".models");
  model->fit(snap.matrix, {.threads = 1});
  if (!model->unfit_reason().empty()) return;  // no interactions yet: nothing to rank by
  if (store_.versions(domain, "popularity").empty()) {
    log::info("engine.popularity_from_warehouse", "domain", domain, "interactions", snap.n_interactions, "why",
              "never trained");
  } else {
    log::warn("engine.popularity_from_warehouse", "domain", domain, "interactions", snap.n_interactions, "why",
              "no stored version loads: every one is damaged");
  }
  add_served_model(set, live, "popularity", std::move(model), std::move(snap.items),
                   {.domain = domain, .model = "popularity", .type_name = "popularity",
                    .n_users = static_cast<std::int64_t>(snap.users.size()),
                    .n_items = static_cast<std::int64_t>(snap.items.size()), .n_interactions = snap.n_interactions,
                    .data_fingerprint = snap.fingerprint, .created_at_us = now_us()});
}

void RecommendationEngine::observe(std::span<const warehouse::InteractionRecord> rows) {
  // Rows arrive in commit order, possibly mixing domains: apply each domain's run in one lock.
  std::size_t start = 0;
  while (start < rows.size()) {
    std::size_t end = start + 1;
    while (end < rows.size() && rows[end].domain == rows[start].domain) ++end;
    if (auto it = domains_.find(rows[start].domain); it != domains_.end()) {
      DomainState& s = *it->second;
      const auto run = rows.subspan(start, end - start);
      s.live.apply(run);
      if (!s.withdrawn.load()->ids.empty()) {  // an interaction brings a deleted item back
        std::vector<std::string_view> ids;
        for (const auto& r : run) ids.push_back(r.item_id);
        bring_back(s, ids);
      }
    }
    start = end;
  }
}

void RecommendationEngine::observe_item(const warehouse::CatalogItem& item) {
  if (auto it = domains_.find(item.domain); it != domains_.end()) {
    it->second->live.item_index(item.item_id);
    catalog_.upsert(item);
    bring_back(*it->second, {item.item_id});
  }
}

void RecommendationEngine::change_withdrawn(DomainState& s,
                                            const std::function<void(Withdrawn&)>& change) const {
  std::lock_guard lock(s.withdrawn_writer);
  auto copy = std::make_shared<Withdrawn>(*s.withdrawn.load());
  change(*copy);
  s.withdrawn.store(std::move(copy));
}

void RecommendationEngine::bring_back(DomainState& s, const std::vector<std::string_view>& ids) const {
  const auto current = s.withdrawn.load();
  if (std::none_of(ids.begin(), ids.end(), [&](std::string_view id) { return current->ids.contains(id); }))
    return;
  change_withdrawn(s, [&](Withdrawn& w) {
    for (std::string_view id : ids) {
      auto it = w.ids.find(id);
      if (it == w.ids.end()) continue;
      const ItemIndex item = s.live.item_index(id);
      w.live.erase(std::remove(w.live.begin(), w.live.end(), item), w.live.end());
      w.ids.erase(it);
    }
  });
}

void RecommendationEngine::forget_user(const std::string& user_id) {
  for (auto& [name, s] : domains_) s->live.remove_user(user_id);
}

void RecommendationEngine::withdraw_item(const std::string& domain, const std::string& item_id) {
  DomainState& s = state(domain);
  // Withdrawn first: once the item leaves the live rows, consumption no longer keeps it out of a list.
  change_withdrawn(s, [&](Withdrawn& w) {
    if (w.ids.insert(item_id).second) w.live.push_back(s.live.item_index(item_id));
  });
  s.live.remove_item(item_id);
  catalog_.erase(domain, item_id);
}

void RecommendationEngine::forget_interaction(const warehouse::InteractionRecord& deleted,
                                              std::span<const warehouse::InteractionRecord> remaining) {
  if (auto it = domains_.find(deleted.domain); it != domains_.end()) {
    it->second->live.replace_cell(deleted.user_id, deleted.item_id, remaining);
  }
}

std::shared_ptr<const std::vector<ItemIndex>> RecommendationEngine::matching_items(
    DomainState& s, const std::string& domain, const CatalogFilter& filter) const {
  const std::string key = filter.key();
  const std::uint64_t current = catalog_.version(domain);
  FilteredLists::List kept;
  {
    std::lock_guard lock(s.filtered.mutex);
    if (auto it = s.filtered.lists.find(key); it != s.filtered.lists.end()) kept = it->second;
  }
  if (kept.items && kept.version == current) return kept.items;
  FilteredLists::List made;
  // Out of date: the changed items are matched again, when the catalog still knows which they are.
  if (const auto changes = kept.items ? catalog_.changes_since(domain, kept.version) : std::nullopt) {
    std::vector<ItemIndex> changed, passing;  // every changed item; those that pass now
    for (const auto& [id, entry] : changes->items) {
      const auto i = s.live.find_item(id);
      if (!i) continue;
      changed.push_back(*i);
      if (entry && filter.matches(*entry)) passing.push_back(*i);
    }
    std::sort(changed.begin(), changed.end());
    std::sort(passing.begin(), passing.end());
    std::vector<ItemIndex> unchanged;  // one pass each, however many changed
    std::set_difference(kept.items->begin(), kept.items->end(), changed.begin(), changed.end(),
                        std::back_inserter(unchanged));
    auto items = std::make_shared<std::vector<ItemIndex>>();
    items->reserve(unchanged.size() + passing.size());
    std::merge(unchanged.begin(), unchanged.end(), passing.begin(), passing.end(),
               std::back_inserter(*items));
    made = {.version = changes->version, .items = std::move(items)};
  } else {
    std::vector<std::string> ids;  // looked up after the scan: the live index takes its own lock
    const std::uint64_t version = catalog_.for_each(domain, [&](const CatalogEntry& entry) {
      if (filter.matches(entry)) ids.push_back(entry.item_id);
    });
    auto items = std::make_shared<std::vector<ItemIndex>>();
    items->reserve(ids.size());
    for (const auto& id : ids) {
      if (auto i = s.live.find_item(id)) items->push_back(*i);
    }
    std::sort(items->begin(), items->end());
    made = {.version = version, .items = std::move(items)};
  }
  std::lock_guard lock(s.filtered.mutex);
  auto& lists = s.filtered.lists;
  if (auto it = lists.find(key); it != lists.end()) {
    if (it->second.version < made.version) it->second = made;  // else another request made a newer one
  } else {
    if (lists.size() >= FilteredLists::kMaxFilters) lists.clear();
    lists.emplace(key, made);
  }
  return made.items;
}

Recommendations RecommendationEngine::recommend(const RecommendRequest& request) const {
  const config::DomainConfig& domain_config = config_.domain(request.domain);
  if (request.user_id.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "user_id");
  if (request.top_k < 1 || request.top_k > kMaxTopK) {
    throw Error(Code::kInvalidArgument, fmt::format("must be between 1 and {}", kMaxTopK), "top_k");
  }
  for (const auto& m : request.model_types) {
    if (!is_model_name(m)) {
      throw Error(Code::kInvalidArgument,
                  "unknown model " + quote(m) + " (known: " + model_names_text() + ")", "model_types");
    }
  }
  DomainState& s = state(request.domain);
  const std::shared_ptr<const ModelSet> set = s.models.load();
  const std::vector<LiveEntry> row = s.live.row(request.user_id);

  // What the user must not be offered again: dislikes always; consumed items unless the domain's cool-down
  // has passed (or the caller asks to include them).
  const double cooldown_days = domain_config.repeat_cooldown_days;
  const std::int64_t now = now_us();
  RankRequest ask{.row = row, .top_k = request.top_k, .models = request.model_types, .query_text = request.query_text};
  std::vector<LiveEntry> liked;
  ask.excluded.reserve(row.size() + request.filters.exclude_items.size());
  liked.reserve(row.size());
  for (const auto& e : row) {
    if (e.weight > 0 && !e.disliked) liked.push_back(e);
    const bool recent = cooldown_days < 0 || e.last_us > now - static_cast<std::int64_t>(cooldown_days * kMicrosPerDay);
    if (e.disliked || (!request.filters.include_consumed && recent)) ask.excluded.push_back(e.item);
  }
  for (const auto& id : request.filters.exclude_items) {
    if (auto i = s.live.find_item(id)) ask.excluded.push_back(*i);
  }
  const auto withdrawn = s.withdrawn.load();
  ask.excluded.insert(ask.excluded.end(), withdrawn->live.begin(), withdrawn->live.end());
  if (request.filters.only_items) {
    ask.allowed.emplace();
    for (const auto& id : *request.filters.only_items) {
      if (auto i = s.live.find_item(id)) ask.allowed->push_back(*i);
    }
  }
  if (!request.filters.catalog.empty()) {  // the models take their top k among the matching items
    const auto matching = matching_items(s, request.domain, request.filters.catalog);
    if (ask.allowed) {
      std::sort(ask.allowed->begin(), ask.allowed->end());
      std::vector<ItemIndex> both;
      std::set_intersection(ask.allowed->begin(), ask.allowed->end(), matching->begin(), matching->end(),
                            std::back_inserter(both));
      ask.allowed = std::move(both);
    } else {
      ask.allowed = *matching;
    }
  }
  Ranking ranking = rank(*set, s.live, ask, set->settings.config);

  Recommendations out;
  out.user_id = request.user_id;
  out.domain = request.domain;
  out.cold_start = ranking.cold_start;
  out.models_used = std::move(ranking.models_used);
  auto& blended = ranking.items;

  // Reasons: the liked item most similar to the recommendation (by an item-item model), else the query, else
  // the model.
  const ServedModel* knn = nullptr;
  for (const char* name : {"knn", "rp3beta", "ease"}) {
    if (auto it = set->models.find(name); it != set->models.end()) {
      knn = &it->second;
      break;
    }
  }
  std::vector<models::ScoredItem> liked_in_knn;  // knn index, weight; sorted by index
  std::vector<bool> is_liked;                     // by knn index: a quick "no" before the search
  if (knn) {
    is_liked.resize(static_cast<std::size_t>(knn->model->n_items()));
    for (const auto& e : liked) {
      if (const ItemIndex i = to_model(*knn, s.live, e.item); i >= 0 && i < knn->model->n_items()) {
        liked_in_knn.push_back({i, e.weight});
        is_liked[static_cast<std::size_t>(i)] = true;
      }
    }
    std::sort(liked_in_knn.begin(), liked_in_knn.end(),
              [](const models::ScoredItem& a, const models::ScoredItem& b) { return a.item < b.item; });
  }
  int rank = 0;
  for (auto& b : blended) {
    RecommendedItem item{.item_id = s.live.item_name(b.item), .score = b.score, .rank = ++rank,
                         .contributions = std::move(b.contributions)};
    if (auto entry = catalog_.get(request.domain, item.item_id)) item.title = entry->title;
    std::string because;
    if (const ItemIndex i = liked_in_knn.empty() ? -1 : to_model(*knn, s.live, b.item); i >= 0) {
      float best = 0;
      ItemIndex best_item = -1;
      for (const auto& n : knn->model->similar_items(i, 100)) {
        if (!is_liked[static_cast<std::size_t>(n.item)]) continue;
        auto l = std::lower_bound(liked_in_knn.begin(), liked_in_knn.end(), n.item,
                                  [](const models::ScoredItem& a, ItemIndex x) { return a.item < x; });
        if (l != liked_in_knn.end() && l->item == n.item && n.score * l->score > best) {
          best = n.score * l->score;
          best_item = n.item;
        }
      }
      if (best_item >= 0) because = knn->items.name(best_item);
    }
    if (!because.empty()) {
      auto entry = catalog_.get(request.domain, because);
      item.reason = "because you liked " + (entry && !entry->title.empty() ? entry->title : because);
    } else if (!request.query_text.empty() && item.contributions.count("embedding")) {
      item.reason = "matches " + quote(request.query_text);  // cut: a reason never repeats a long query
    } else if (item.contributions.count("collab") || item.contributions.count("ease") ||
               item.contributions.count("rp3beta") || item.contributions.count("knn")) {
      item.reason = "liked by people with tastes like yours";
    } else if (item.contributions.count("embedding")) {
      item.reason = "similar in content to what you liked";
    } else {
      item.reason = "popular in " + request.domain + " right now";
    }
    out.items.push_back(std::move(item));
  }
  return out;
}

std::vector<RecommendedItem> RecommendationEngine::similar_items(const std::string& domain,
                                                                 const std::string& item_id, std::size_t k) const {
  if (k < 1 || k > kMaxTopK) throw Error(Code::kInvalidArgument, fmt::format("must be between 1 and {}", kMaxTopK), "top_k");
  DomainState& s = state(domain);
  const auto set = s.models.load();
  const auto withdrawn = s.withdrawn.load();
  if (withdrawn->ids.contains(item_id)) {
    throw Error(Code::kNotFound, "item " + quote(item_id) + " was deleted from domain " + quote(domain),
                "item_id");
  }
  const auto entry = catalog_.get(domain, item_id);
  for (const std::string name : {"knn", "rp3beta", "ease", "embedding", "collab"}) {
    auto it = set->models.find(name);
    if (it == set->models.end()) continue;
    const ServedModel& m = it->second;
    auto index = m.items.find(item_id);
    if (!index) continue;
    std::vector<models::ScoredItem> similar;
    try {
      similar = m.model->similar_items(*index, k + withdrawn->ids.size());  // room for the withdrawn to drop
    } catch (const Error& e) {
      if (e.code() == Code::kNotSupported) continue;
      throw;
    }
    std::vector<RecommendedItem> out;
    int rank = 0;
    for (const auto& scored : similar) {
      if (out.size() == k) break;
      std::string id = m.items.name(scored.item);
      if (withdrawn->ids.contains(id)) continue;
      RecommendedItem item{.item_id = std::move(id),
                           .score = scored.score,
                           .rank = ++rank,
                           .contributions = {{name, scored.score}}};
      if (auto e = catalog_.get(domain, item.item_id)) item.title = e->title;
      item.reason = "similar to " + (entry && !entry->title.empty() ? entry->title : item_id);
      out.push_back(std::move(item));
    }
    return out;
  }
  if (!entry)
    throw Error(Code::kNotFound, "unknown item " + quote(item_id) + " in domain " + quote(domain), "item_id");
  return {};  // a known item no trained model has seen yet
}

}  // namespace mxn::engine

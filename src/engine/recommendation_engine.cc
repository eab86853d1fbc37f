#include "engine/recommendation_engine.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "data/row_buffer.h"
#include "warehouse/warehouse.h"

namespace mxn::engine {

namespace {

constexpr std::size_t kMinCandidates = 50;  // each model proposes at least this many items for blending

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
    auto s = std::make_unique<DomainState>();
    s->models.store(std::make_shared<const ModelSet>());
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
  for (auto& [name, s] : domains_) {
    catalog_.load(warehouse_, name);
    for (const auto& entry : catalog_.all(name)) s->live.item_index(entry->item_id);
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
    publish(name);
    log::info("engine.domain_ready", "domain", name, "users", s->live.n_users(), "items", s->live.n_items(),
              "models", s->models.load()->models.size());
  }
  started_ = true;
}

void RecommendationEngine::publish(const std::string& domain) {
  DomainState& s = state(domain);
  auto set = std::make_shared<ModelSet>();
  set->published_at_us = now_us();
  for (const auto& name : served_model_names()) {
    auto loaded = store_.load_latest(domain, name);
    if (!loaded) continue;
    ServedModel served{.name = name, .model = std::move(loaded->model), .items = std::move(loaded->items),
                       .meta = std::move(loaded->meta)};
    // Every item the model knows gets a live index, so that the tables cover all of them.
    served.to_live.resize(served.items.size());
    for (std::size_t i = 0; i < served.items.size(); ++i) {
      served.to_live[i] = s.live.item_index(served.items.name(static_cast<std::int32_t>(i)));
    }
    served.from_live.assign(s.live.n_items(), -1);
    for (std::size_t i = 0; i < served.to_live.size(); ++i) {
      served.from_live[static_cast<std::size_t>(served.to_live[i])] = static_cast<ItemIndex>(i);
    }
    log::info("engine.model_published", "domain", domain, "model", name, "version", served.meta.version);
    set->models.emplace(name, std::move(served));
  }
  s.models.store(std::move(set));
}

void RecommendationEngine::observe(std::span<const warehouse::InteractionRecord> rows) {
  // Rows arrive in commit order, possibly mixing domains: apply each domain's run in one lock.
  std::size_t start = 0;
  while (start < rows.size()) {
    std::size_t end = start + 1;
    while (end < rows.size() && rows[end].domain == rows[start].domain) ++end;
    if (auto it = domains_.find(rows[start].domain); it != domains_.end()) {
      it->second->live.apply(rows.subspan(start, end - start));
    }
    start = end;
  }
}

void RecommendationEngine::observe_item(const warehouse::CatalogItem& item) {
  if (auto it = domains_.find(item.domain); it != domains_.end()) {
    it->second->live.item_index(item.item_id);
    catalog_.upsert(item);
  }
}

Recommendations RecommendationEngine::recommend(const RecommendRequest& request) const {
  const config::DomainConfig& domain_config = config_.domain(request.domain);
  if (request.user_id.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "user_id");
  if (request.top_k < 1 || request.top_k > kMaxTopK) {
    throw Error(Code::kInvalidArgument, fmt::format("must be between 1 and {}", kMaxTopK), "top_k");
  }
  std::vector<std::string> wanted = request.model_types;
  if (wanted.empty()) wanted = domain_config.models.enabled;
  for (const auto& m : wanted) {
    const auto& known = served_model_names();
    if (std::find(known.begin(), known.end(), m) == known.end()) {
      throw Error(Code::kInvalidArgument, "unknown model '" + m + "' (known: knn, collab, embedding, popularity)",
                  "model_types");
    }
  }
  DomainState& s = state(request.domain);
  const std::shared_ptr<const ModelSet> set = s.models.load();
  const std::vector<LiveEntry> row = s.live.row(request.user_id);

  // What the user must not be offered again: dislikes always; consumed items unless the domain's cool-down
  // has passed (or the caller asks to include them).
  const double cooldown_days = domain_config.repeat_cooldown_days;
  const std::int64_t now = now_us();
  std::vector<ItemIndex> excluded_live;
  std::vector<LiveEntry> liked;
  excluded_live.reserve(row.size());
  liked.reserve(row.size());
  for (const auto& e : row) {
    if (e.weight > 0) liked.push_back(e);
    const bool recent = cooldown_days < 0 || e.last_us > now - static_cast<std::int64_t>(cooldown_days * kMicrosPerDay);
    if (e.weight < 0 || (!request.filters.include_consumed && recent)) excluded_live.push_back(e.item);
  }

  Recommendations out;
  out.user_id = request.user_id;
  out.domain = request.domain;
  out.cold_start = liked.empty() && request.query_text.empty();
  if (out.cold_start) wanted = {"popularity"};

  const std::size_t candidates = std::max(kMinCandidates, 3 * request.top_k);
  std::vector<ModelList> lists;
  auto run_model = [&](const std::string& name, double weight) {
    auto it = set->models.find(name);
    if (it == set->models.end()) return;
    const ServedModel& m = it->second;
    std::vector<std::pair<ItemIndex, float>> entries;
    entries.reserve(row.size());
    for (const auto& e : row) {
      if (const ItemIndex i = to_model(m, s.live, e.item); i >= 0) entries.emplace_back(i, e.weight);
    }
    data::RowBuffer model_row(std::move(entries));
    std::vector<ItemIndex> excluded;
    excluded.reserve(excluded_live.size() + request.filters.exclude_items.size());
    for (ItemIndex live_item : excluded_live) {
      if (const ItemIndex i = to_model(m, s.live, live_item); i >= 0) excluded.push_back(i);
    }
    for (const auto& id : request.filters.exclude_items) {
      if (auto i = m.items.find(id)) excluded.push_back(*i);
    }
    models::ItemFilter filter(std::move(excluded));
    if (request.filters.only_items) {
      std::vector<char> allowed(m.items.size(), 0);
      for (const auto& id : *request.filters.only_items) {
        if (auto i = m.items.find(id)) allowed[static_cast<std::size_t>(*i)] = 1;
      }
      filter.with_predicate([allowed = std::move(allowed)](ItemIndex i) { return allowed[static_cast<std::size_t>(i)] == 0; });
    }
    ModelList list{.model = name, .weight = weight};
    list.items = name == "embedding" && !request.query_text.empty()
                     ? m.model->recommend_for_query(model_row.view(), request.query_text, candidates, filter)
                     : m.model->recommend(model_row.view(), candidates, filter);
    for (auto& scored : list.items) scored.item = m.to_live[static_cast<std::size_t>(scored.item)];
    if (!list.items.empty()) {
      out.models_used.push_back(name);
      lists.push_back(std::move(list));
    }
  };
  for (const auto& name : wanted) {
    auto w = domain_config.ensemble.weights.find(name);
    run_model(name, w == domain_config.ensemble.weights.end() ? 1.0 : w->second);
  }
  if (lists.empty() && !out.cold_start) {
    out.cold_start = true;  // no requested model could serve (not trained yet): popularity stands in
    run_model("popularity", 1.0);
  }

  auto blended = blend(lists, domain_config.ensemble, request.top_k, [&](ItemIndex a, ItemIndex b) {
    return s.live.item_name(a) < s.live.item_name(b);
  });

  // Reasons: the liked item most similar to the recommendation (item-KNN), else the query, else the model.
  const ServedModel* knn = nullptr;
  if (auto it = set->models.find("knn"); it != set->models.end()) knn = &it->second;
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
      item.reason = "matches '" + request.query_text + "'";
    } else if (item.contributions.count("collab")) {
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
  const auto set = state(domain).models.load();
  const auto entry = catalog_.get(domain, item_id);
  for (const std::string name : {"knn", "embedding", "collab"}) {
    auto it = set->models.find(name);
    if (it == set->models.end()) continue;
    const ServedModel& m = it->second;
    auto index = m.items.find(item_id);
    if (!index) continue;
    std::vector<models::ScoredItem> similar;
    try {
      similar = m.model->similar_items(*index, k);
    } catch (const Error& e) {
      if (e.code() == Code::kNotSupported) continue;
      throw;
    }
    std::vector<RecommendedItem> out;
    int rank = 0;
    for (const auto& s : similar) {
      RecommendedItem item{.item_id = m.items.name(s.item), .score = s.score, .rank = ++rank,
                           .contributions = {{name, s.score}}};
      if (auto e = catalog_.get(domain, item.item_id)) item.title = e->title;
      item.reason = "similar to " + (entry && !entry->title.empty() ? entry->title : item_id);
      out.push_back(std::move(item));
    }
    return out;
  }
  if (!entry) throw Error(Code::kNotFound, "unknown item '" + item_id + "' in domain '" + domain + "'", "item_id");
  return {};  // a known item no trained model has seen yet
}

}  // namespace mxn::engine

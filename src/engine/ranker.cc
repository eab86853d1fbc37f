#include "engine/ranker.h"

#include <algorithm>

#include "core/error.h"
#include "data/row_buffer.h"
#include "data/weighting.h"

namespace mxn::engine {

namespace {

/// The model index of a live item, or -1.
ItemIndex to_model(const ServedModel& m, const LiveIndex& live, ItemIndex live_item) {
  if (static_cast<std::size_t>(live_item) < m.from_live.size()) return m.from_live[live_item];
  return m.items.find(live.item_name(live_item)).value_or(-1);
}

/// The user's row in a model's numbering, weighed as the model was trained.
data::RowBuffer model_row(const ServedModel& m, const LiveIndex& live, std::span<const LiveEntry> row,
                          data::Weighting weighting) {
  std::vector<std::pair<ItemIndex, float>> entries;
  entries.reserve(row.size());
  for (const auto& e : row) {
    if (const ItemIndex i = to_model(m, live, e.item); i >= 0) entries.emplace_back(i, data::weigh(weighting, e.weight));
  }
  return data::RowBuffer(std::move(entries));
}

/// What a model must not return: the excluded items, and any item outside `allowed` (live bitmap).
models::ItemFilter model_filter(const ServedModel& m, const LiveIndex& live, const std::vector<ItemIndex>& excluded,
                                const std::vector<char>& allowed) {
  std::vector<ItemIndex> mapped;
  mapped.reserve(excluded.size());
  for (ItemIndex live_item : excluded) {
    if (const ItemIndex i = to_model(m, live, live_item); i >= 0) mapped.push_back(i);
  }
  models::ItemFilter filter(std::move(mapped));
  if (!allowed.empty()) {
    filter.with_predicate([&m, &allowed](ItemIndex i) {
      const auto l = static_cast<std::size_t>(m.to_live[static_cast<std::size_t>(i)]);
      return l >= allowed.size() || allowed[l] == 0;
    });
  }
  return filter;
}

/// A model's list in live indices (its weight is set by finish()).
ModelList to_live_list(const ServedModel& m, std::vector<models::ScoredItem> items) {
  for (auto& scored : items) scored.item = m.to_live[static_cast<std::size_t>(scored.item)];
  return ModelList{.model = m.name, .items = std::move(items)};
}

double weight_of(const config::EnsembleConfig& ensemble, const std::string& model) {
  auto w = ensemble.weights.find(model);
  return w == ensemble.weights.end() ? 1.0 : w->second;
}

}  // namespace

void add_served_model(ModelSet& set, LiveIndex& live, std::string name, std::unique_ptr<const models::Recommender> model,
                      IdMap items, ModelMeta meta) {
  ServedModel served{.name = name, .model = std::move(model), .items = std::move(items), .meta = std::move(meta)};
  // Every item the model knows gets a live index, so that the tables cover all of them.
  served.to_live.resize(served.items.size());
  for (std::size_t i = 0; i < served.items.size(); ++i) {
    served.to_live[i] = live.item_index(served.items.name(static_cast<std::int32_t>(i)));
  }
  served.from_live.assign(live.n_items(), -1);
  for (std::size_t i = 0; i < served.to_live.size(); ++i) {
    served.from_live[static_cast<std::size_t>(served.to_live[i])] = static_cast<ItemIndex>(i);
  }
  set.models.insert_or_assign(std::move(name), std::move(served));
}

Candidates candidates(const ModelSet& set, const LiveIndex& live, const RankRequest& request,
                      const config::DomainConfig& domain) {
  Candidates out;
  out.cold_start = std::none_of(request.row.begin(), request.row.end(), [](const LiveEntry& e) { return e.weight > 0; });
  if (request.allowed) {
    out.allowed.assign(live.n_items(), 0);
    for (ItemIndex i : *request.allowed) {
      if (static_cast<std::size_t>(i) < out.allowed.size()) out.allowed[static_cast<std::size_t>(i)] = 1;
    }
  }
  const data::Weighting weighting = data::parse_weighting(domain.models.weighting);
  const std::size_t n_candidates = std::max(kMinCandidates, 3 * request.top_k);
  auto propose = [&](const ServedModel& m) {
    const data::RowBuffer row = model_row(m, live, request.row, weighting);
    auto items = m.model->recommend(row.view(), n_candidates, model_filter(m, live, request.excluded, out.allowed));
    if (!items.empty()) out.lists.push_back(to_live_list(m, std::move(items)));
  };

  // A query gates the candidates: only its matches may be served.
  std::optional<ModelList> query_list;
  if (auto it = set.models.find("embedding"); !request.query_text.empty() && it != set.models.end()) {
    const ServedModel& m = it->second;
    const data::RowBuffer row = model_row(m, live, request.row, weighting);
    auto matches = m.model->recommend_for_query(row.view(), request.query_text, n_candidates,
                                                model_filter(m, live, request.excluded, out.allowed));
    out.allowed.assign(live.n_items(), 0);
    for (const auto& s : matches) out.allowed[static_cast<std::size_t>(m.to_live[static_cast<std::size_t>(s.item)])] = 1;
    query_list = to_live_list(m, std::move(matches));
  }

  std::vector<std::string> names = request.models;
  if (names.empty()) {
    for (const auto& name : domain.models.enabled) {
      if (weight_of(domain.ensemble, name) > 0) names.push_back(name);
    }
  }
  if (query_list) {
    std::erase(names, "embedding");  // its query list stands for it
    if (out.cold_start) names.clear();
  } else if (out.cold_start) {
    names = {"popularity"};
  }
  for (const auto& name : names) {
    if (auto it = set.models.find(name); it != set.models.end()) propose(it->second);
  }
  if (query_list && !query_list->items.empty()) {
    out.query_list = static_cast<int>(out.lists.size());
    out.lists.push_back(std::move(*query_list));
  } else if (!query_list && out.lists.empty() && !out.cold_start) {
    out.cold_start = true;  // no requested model could serve (none trained yet): popularity stands in
    if (auto it = set.models.find("popularity"); it != set.models.end()) propose(it->second);
  }
  return out;
}

Ranking finish(Candidates c, const ModelSet& set, const LiveIndex& live, const RankRequest& request,
               const config::EnsembleConfig& ensemble) {
  Ranking out;
  out.cold_start = c.cold_start;
  double others = 0;
  for (std::size_t l = 0; l < c.lists.size(); ++l) {
    if (static_cast<int>(l) == c.query_list) continue;
    c.lists[l].weight = weight_of(ensemble, c.lists[l].model);
    others += c.lists[l].weight;
  }
  if (others <= 0) {  // only models the blend gives no weight: asked for explicitly, they share it equally
    for (std::size_t l = 0; l < c.lists.size(); ++l) {
      if (static_cast<int>(l) != c.query_list) others += c.lists[l].weight = 1.0;
    }
  }
  if (c.query_list >= 0) c.lists[static_cast<std::size_t>(c.query_list)].weight = others > 0 ? others : 1.0;
  for (const auto& l : c.lists) out.models_used.push_back(l.model);
  const auto id_less = [&](ItemIndex a, ItemIndex b) { return live.item_name(a) < live.item_name(b); };
  out.items = blend(c.lists, ensemble, request.top_k, id_less);

  // Backfill from popularity.
  auto it = set.models.find("popularity");
  if (out.items.size() >= request.top_k || it == set.models.end()) return out;
  const ServedModel& m = it->second;
  std::vector<ItemIndex> excluded = request.excluded;
  for (const auto& b : out.items) excluded.push_back(b.item);
  const data::RowBuffer empty;
  auto popular = m.model->recommend(empty.view(), request.top_k - out.items.size(),
                                    model_filter(m, live, excluded, c.allowed));
  const double score = out.items.empty() ? 0.0 : std::min(0.0, out.items.back().score);
  for (const auto& p : popular) {
    out.items.push_back({.item = m.to_live[static_cast<std::size_t>(p.item)], .score = score,
                         .contributions = {{"popularity", 0.0}}});
  }
  if (!popular.empty() && std::find(out.models_used.begin(), out.models_used.end(), "popularity") == out.models_used.end()) {
    out.models_used.push_back("popularity");
  }
  return out;
}

Ranking rank(const ModelSet& set, const LiveIndex& live, const RankRequest& request,
             const config::DomainConfig& domain) {
  return finish(candidates(set, live, request, domain), set, live, request, domain.ensemble);
}

}  // namespace mxn::engine

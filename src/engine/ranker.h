#pragma once
// Ranking one user's list from a domain's models: the heart of serving, shared by the engine
// (POST /recommendations, automation) and by offline evaluation, so that what is evaluated is exactly what
// is served.
//
// For one request:
//   1. cold start: a row without any positive entry and no query is served by popularity alone;
//   2. every requested model that is in the set proposes its candidates (max(kMinCandidates, 3·top_k)) for
//      the user's live row (weights weighed by the domain's models.weighting, as at training), never an
//      excluded item, and only allowed items; without an explicit list of models, the domain's enabled ones
//      that have a positive blend weight (a model the blend does not use costs nothing);
//   3. with a query and an embedding model, the query is a gate: the embedding's query matches are the
//      only candidates (the other models rank inside them, by the user's taste), and the query's own list
//      joins the blend with the weight of all the others together;
//   4. the lists are blended (ensemble.h) with the domain's weights (models named explicitly whose weights
//      are all 0 are blended with equal weights);
//   5. a list shorter than top_k is filled from popularity (never an excluded or disallowed item), so that a
//      model that reaches few items still serves a full list; a backfilled item scores no more than the last
//      blended one (0 at most) and lists popularity as its contribution, with 0.
// Items are the domain's live indices (LiveIndex); each served model maps them to its own numbering.

#include <memory>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "engine/domain_settings.h"
#include "engine/ensemble.h"
#include "engine/live_index.h"
#include "engine/model_store.h"

namespace mxn::engine {

/// One model being served.
struct ServedModel {
  std::string name;  // knn, collab, ease, rp3beta, embedding, popularity
  std::unique_ptr<const models::Recommender> model;
  IdMap items;                       // the model's item numbering
  std::vector<ItemIndex> from_live;  // live item index -> model index, -1 when the model does not know it
  std::vector<ItemIndex> to_live;    // model index -> live item index
  ModelMeta meta;
};

/// A domain's published models, by name, and the settings they serve with (domain_settings.h).
struct ModelSet {
  std::map<std::string, ServedModel> models;
  DomainSettings settings;  // config with the tuned record's values where config does not pin them
  std::int64_t published_at_us = 0;
};

/// Adds `model` to `set` under `name`, giving every item it knows a live index in `live`.
void add_served_model(ModelSet& set, LiveIndex& live, std::string name, std::unique_ptr<const models::Recommender> model,
                      IdMap items, ModelMeta meta);

/// What one ranking asks for. Items are live indices.
struct RankRequest {
  std::span<const LiveEntry> row;  // the user's live row, sorted by item
  std::size_t top_k = 10;
  std::vector<std::string> models;  // the models to blend (checked names); empty = the domain's enabled ones
  std::string_view query_text;
  std::vector<ItemIndex> excluded;               // never these
  std::optional<std::vector<ItemIndex>> allowed;  // when set, only these
};

/// Steps 1 to 3: what the models propose for a request.
struct Candidates {
  bool cold_start = false;       // no positive history: popularity serves (or, with a query, the query alone)
  std::vector<ModelList> lists;  // one per model that proposed items, in blend order
  int query_list = -1;           // the index of the query's own list (see step 3), -1 when none
  std::vector<char> allowed;     // by live index: 1 = may be served; empty = every item
};

struct Ranking {
  bool cold_start = false;
  std::vector<std::string> models_used;  // models that proposed a list, in blend order
  std::vector<BlendedItem> items;        // best first, at most top_k
};

Candidates candidates(const ModelSet& set, const LiveIndex& live, const RankRequest& request,
                      const config::DomainConfig& domain);

/// Steps 4 and 5: the blend of `c` under `ensemble` (its method and weights), backfilled from popularity to
/// request.top_k.
Ranking finish(Candidates c, const ModelSet& set, const LiveIndex& live, const RankRequest& request,
               const config::EnsembleConfig& ensemble);

/// candidates() then finish() with the domain's ensemble.
Ranking rank(const ModelSet& set, const LiveIndex& live, const RankRequest& request,
             const config::DomainConfig& domain);

/// The least candidates each model proposes for blending.
inline constexpr std::size_t kMinCandidates = 50;

}  // namespace mxn::engine

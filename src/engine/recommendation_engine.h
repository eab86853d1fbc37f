#pragma once
// RecommendationEngine: serves recommendations for every enabled domain.
//
// Per domain it holds the published ModelSet (the newest valid version of each model in the model store,
// immutable, swapped atomically by publish(): readers never block and never see half a set) and a LiveIndex
// of every user's current interactions (rebuilt from the warehouse at start, then fed by the tracker's
// commit observer through observe()). A request reads the user's live row, works out what must not be
// offered (what the user already consumed or, where the domain has a cool-down, consumed recently, and what
// they disliked), has the ranker (ranker.h) blend the models' lists, and explains each item.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config.h"
#include "engine/catalog_cache.h"
#include "engine/catalog_filter.h"
#include "engine/ensemble.h"
#include "engine/live_index.h"
#include "engine/model_store.h"
#include "engine/ranker.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::engine {

/// The largest top_k a request may ask for.
inline constexpr std::size_t kMaxTopK = 1000;

/// Narrows what a request may return.
struct Filters {
  std::set<std::string> exclude_items;              // never these
  std::optional<std::set<std::string>> only_items;  // when set, only these (e.g. a user's open tasks)
  bool include_consumed = false;                    // also items the user already interacted with (not disliked)
  CatalogFilter catalog;                            // only catalog items that match (tags, metadata)
};

struct RecommendRequest {
  std::string user_id;
  std::string domain;
  std::size_t top_k = 10;
  std::vector<std::string> model_types;  // kModelNames; empty = the domain's enabled ones
  std::string query_text;                // semantic query (embedding model)
  Filters filters;
};

struct RecommendedItem {
  std::string item_id;
  std::string title;
  double score = 0;
  int rank = 0;                                 // 1-based
  std::map<std::string, double> contributions;  // model -> part of score
  std::string reason;
};

struct Recommendations {
  std::string user_id;
  std::string domain;
  bool cold_start = false;               // no positive history: served by popularity (or the query alone)
  std::vector<std::string> models_used;  // models that contributed a list
  std::vector<RecommendedItem> items;
};

class RecommendationEngine {
 public:
  /// Everything referenced must outlive the engine.
  RecommendationEngine(const warehouse::Warehouse& warehouse, const ModelStore& store, const config::Config& config);

  /// Rebuilds the live indexes and the catalog cache from the warehouse and publishes the stored models of
  /// every enabled domain (never trains).
  void start();
  /// Loads the serving version of each model of `domain` from the store (ModelStore::load_serving) and
  /// swaps them in atomically; one publish of a domain at a time, so the last one reads the last choice.
  /// When no popularity model loads (never trained, or every stored version damaged) but the domain has
  /// interactions, popularity is computed from the warehouse instead (version 0), so that lists never go
  /// empty while there is data.
  void publish(const std::string& domain);
  /// The tracker's commit observer: committed rows update the live indexes.
  void observe(std::span<const warehouse::InteractionRecord> rows);
  /// A catalog upsert: keeps titles and metadata current (and brings a withdrawn item back).
  void observe_item(const warehouse::CatalogItem& item);

  // Deletion (after the warehouse committed it): effective for every request from the call on. Models trained
  // before forget only at the next training; until then a deleted user's request is a cold start (models
  // score from the live row, now empty) and a withdrawn item is excluded from every list.
  /// Every domain's live row of the user is gone.
  void forget_user(const std::string& user_id);
  /// The item leaves the live rows and the catalog cache, and no list offers it until it comes back (a
  /// catalog upsert or an interaction). Unknown domain: Error{kNotFound}.
  void withdraw_item(const std::string& domain, const std::string& item_id);
  /// After `deleted` was: its user's state for its item rebuilt from `remaining`, the user's other
  /// interactions with that item.
  void forget_interaction(const warehouse::InteractionRecord& deleted,
                          std::span<const warehouse::InteractionRecord> remaining);

  /// Error{kNotFound} for an unknown or disabled domain, Error{kInvalidArgument} for a bad top_k or model.
  Recommendations recommend(const RecommendRequest& request) const;
  /// Items like `item_id` (the first of knn, rp3beta, ease, embedding, collab that knows it). Error{kNotFound} for an unknown item.
  std::vector<RecommendedItem> similar_items(const std::string& domain, const std::string& item_id,
                                             std::size_t k) const;

  /// The published set of a domain (never null after start()).
  std::shared_ptr<const ModelSet> models(const std::string& domain) const;
  const CatalogCache& catalog() const { return catalog_; }
  /// The live row of a user, for automation (live indices resolved to item ids by the caller via live()).
  const LiveIndex& live(const std::string& domain) const;
  bool started() const { return started_.load(); }

 private:
  void add_popularity_from_warehouse(ModelSet& set, LiveIndex& live, const std::string& domain) const;
  /// Withdrawn (deleted) items: ids, and their live indices for the requests' exclusions.
  struct Withdrawn {
    std::set<std::string, std::less<>> ids;
    std::vector<ItemIndex> live;
  };
  /// The matching items of the filters a domain was asked for lately (CatalogFilter::key() -> list), each
  /// made at a version of the domain's catalog and brought up to date by matching the items changed since
  /// (a whole scan when the catalog no longer knows them). Bounded: past kMaxFilters filters it starts over.
  struct FilteredLists {
    static constexpr std::size_t kMaxFilters = 64;
    struct List {
      std::uint64_t version = 0;
      std::shared_ptr<const std::vector<ItemIndex>> items;
    };
    std::mutex mutex;
    std::unordered_map<std::string, List> lists;
  };
  struct DomainState {
    explicit DomainState(RatingScale ratings) : live(ratings) {}
    LiveIndex live;
    std::atomic<std::shared_ptr<const ModelSet>> models;
    std::atomic<std::shared_ptr<const Withdrawn>> withdrawn{std::make_shared<const Withdrawn>()};
    std::mutex withdrawn_writer;  // one change of `withdrawn` at a time (readers only load it)
    std::mutex publishing;        // one publish() at a time
    FilteredLists filtered;
  };
  /// The live indices of the domain's catalog items that pass `filter`, sorted: made by a scan of the
  /// catalog, and kept per filter (a filter is often repeated: a newsletter's batch, an automation list),
  /// see FilteredLists.
  std::shared_ptr<const std::vector<ItemIndex>> matching_items(DomainState& s, const std::string& domain,
                                                               const CatalogFilter& filter) const;
  /// Copies the domain's withdrawn set, lets `change` edit the copy, publishes it.
  void change_withdrawn(DomainState& s, const std::function<void(Withdrawn&)>& change) const;
  /// Items of `ids` that are withdrawn come back.
  void bring_back(DomainState& s, const std::vector<std::string_view>& ids) const;
  DomainState& state(const std::string& domain) const;

  const warehouse::Warehouse& warehouse_;
  const ModelStore& store_;
  const config::Config& config_;
  std::map<std::string, std::unique_ptr<DomainState>> domains_;  // enabled domains, fixed at construction
  CatalogCache catalog_;
  std::atomic<bool> started_{false};
};

}  // namespace mxn::engine

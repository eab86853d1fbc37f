#pragma once
// ItemKnn: item-item neighbourhood model. fit() computes, for every item, its top-K most similar items
// (a sparse n_items x K list) by one of:
//   cosine     dot(a, b) / (|a| |b|) over the item columns of the weight matrix (default);
//   bm25       cosine after BM25 weighting of the entries (users as terms with idf, items as documents
//              with length normalisation by their weight sum; k1, b from params);
//   jaccard    |A ∩ B| / |A ∪ B| over the sets of users with a non-zero weight;
//   euclidean  1 / (1 + |a - b|).
// Only items sharing at least one user are candidates; only similarities > 0 are kept. With shrinkage
// s > 0 a similarity is multiplied by n / (n + s), n = number of common users. Computed in parallel
// (OpenMP) by sparse co-occurrence accumulation, each pair once (see item_similarity.h).
// Score of item i for a row = Σ_j weight(row, j) · sim(j, i) over the row's items j; recommend()
// returns only items with a positive score (those reachable through neighbours).

#include <span>
#include <vector>

#include "core/model_params.h"
#include "models/neighbor_lists.h"
#include "models/recommender.h"

namespace mxn::models {

class ItemKnn final : public Recommender {
 public:
  static constexpr std::string_view kTypeName = "item_knn";
  static constexpr std::uint32_t kFormatVersion = 1;

  /// Invalid params are an Error listing every problem, fields named `field_prefix`.<key>.
  explicit ItemKnn(ItemKnnParams params = {}, std::string_view field_prefix = "knn");

  std::string_view type_name() const override { return kTypeName; }
  void fit(const data::InteractionMatrix& interactions, const FitOptions& options) override;
  std::vector<ScoredItem> recommend(const data::SparseRow& row, std::size_t k,
                                    const ItemFilter& exclude) const override;
  /// The item's stored neighbours (at most params.neighbors), best first.
  std::vector<ScoredItem> similar_items(ItemIndex item, std::size_t k) const override;
  void save(ModelWriter& out) const override;
  void load(ModelReader& in) override;
  bool is_fitted() const override { return fitted_; }
  std::string unfit_reason() const override;
  ItemIndex n_items() const override { return n_items_; }
  std::string params_text() const override;

  const ItemKnnParams& params() const { return params_; }
  /// Neighbours of `item`: indices and similarities, best first (ties: lower index first).
  std::span<const ItemIndex> neighbor_items(ItemIndex item) const;
  std::span<const float> neighbor_similarities(ItemIndex item) const;
  /// Total stored neighbour entries.
  std::size_t neighbor_count() const { return lists_.items.size(); }

 private:
  /// Error{kNotFound, field "item"} unless 0 <= item < n_items().
  void check_item(ItemIndex item) const;

  ItemKnnParams params_;
  bool fitted_ = false;
  ItemIndex n_items_ = 0;
  NeighborLists lists_;
};

}  // namespace mxn::models

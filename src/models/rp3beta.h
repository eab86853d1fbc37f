#pragma once
// Rp3beta: item-item weights from a three-step random walk user -> item -> user -> item with a popularity
// penalty (Paudel et al. 2017; as evaluated by Dacrema et al. 2019):
//   W_ij = deg_i^-α · Σ_{u who used i and j} deg_u^-α · deg_j^-β      (i ≠ j)
// where deg_u is the number of items of user u and deg_i, deg_j the number of users of items i, j: the walk's
// transition probabilities (from the interaction pattern: every stored entry is a step, whatever its weight,
// a dislike too) raised to α, and the target item's popularity to β. Weights count in scoring only.
// Each item keeps its params.neighbors largest weights (ties: lower index first). A user's score for item j
// is Σ over the row's items i of weight(row, i) · W_ij: scored and folded in like item-KNN (neighbor_lists.h),
// so new interactions count at once and users unseen at training are served.
// Fit: one pass per item over its users' rows (in parallel, a dense accumulator per thread): Σ over users of
// their row length squared operations, items × K entries kept.

#include "core/model_params.h"
#include "models/neighbor_lists.h"
#include "models/recommender.h"

namespace mxn::models {

class Rp3beta final : public Recommender {
 public:
  static constexpr std::string_view kTypeName = "rp3beta";
  static constexpr std::uint32_t kFormatVersion = 1;

  /// Invalid params are an Error listing every problem, fields named `field_prefix`.<key>.
  explicit Rp3beta(Rp3betaParams params = {}, std::string_view field_prefix = "rp3beta");

  std::string_view type_name() const override { return kTypeName; }
  void fit(const data::InteractionMatrix& interactions, const FitOptions& options) override;
  std::vector<ScoredItem> recommend(const data::SparseRow& row, std::size_t k,
                                    const ItemFilter& exclude) const override;
  /// The item's kept weights, best first.
  std::vector<ScoredItem> similar_items(ItemIndex item, std::size_t k) const override;
  void save(ModelWriter& out) const override;
  void load(ModelReader& in) override;
  bool is_fitted() const override { return fitted_; }
  std::string unfit_reason() const override;
  ItemIndex n_items() const override { return n_items_; }
  std::string params_text() const override;

  const Rp3betaParams& params() const { return params_; }
  /// Item i's kept weights: lists().items_of(i) with lists().similarities_of(i), best first.
  const NeighborLists& lists() const { return lists_; }

 private:
  Rp3betaParams params_;
  bool fitted_ = false;
  ItemIndex n_items_ = 0;
  NeighborLists lists_;
};

}  // namespace mxn::models

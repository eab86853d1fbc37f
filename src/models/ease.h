#pragma once
// Ease: the closed-form linear item-item model of Steck (2019), "Embarrassingly Shallow Autoencoders".
//   G = XᵀX + λI over the items with interactions (X: the weighed users x items matrix), P = G⁻¹,
//   B = I − P·diag(1/diag(P)), i.e. B_ij = −P_ij / P_jj for i ≠ j, and B_ii = 0.
// A user's scores are x·B for their live row x, so a new interaction counts at once and users unseen at
// training are served; similar_items(i) ranks row i of B.
//
// Cost: items² memory and items³ time. G is built from the sparse matrix (Σ over users of their row's
// pairs), then factored and inverted in place by LAPACK's Cholesky (potrf, potri; OpenBLAS, all cores) in
// double precision up to kDoubleItems items and in single precision above, so the fit holds about one
// items² matrix (4 bytes per entry above kDoubleItems) plus the saved B. A 20,000-item fit needs 1.6 GB and
// takes on the order of a minute or two on two cores; a domain with more items with interactions than
// params.max_items is refused (Error{kTooLarge}) with the advice to use rp3beta or knn, which scale with the
// interactions instead. Serving holds B: items² floats.

#include <vector>

#include "core/model_params.h"
#include "models/recommender.h"

namespace mxn::models {

class Ease final : public Recommender {
 public:
  static constexpr std::string_view kTypeName = "ease";
  static constexpr std::uint32_t kFormatVersion = 1;
  /// Up to this many items the inversion runs in double precision.
  static constexpr ItemIndex kDoubleItems = 4096;

  /// Invalid params are an Error listing every problem, fields named `field_prefix`.<key>.
  explicit Ease(EaseParams params = {}, std::string_view field_prefix = "ease");

  std::string_view type_name() const override { return kTypeName; }
  void fit(const data::InteractionMatrix& interactions, const FitOptions& options) override;
  std::vector<ScoredItem> recommend(const data::SparseRow& row, std::size_t k,
                                    const ItemFilter& exclude) const override;
  /// Row `item` of B: the items `item` predicts most strongly.
  std::vector<ScoredItem> similar_items(ItemIndex item, std::size_t k) const override;
  void save(ModelWriter& out) const override;
  void load(ModelReader& in) override;
  bool is_fitted() const override { return fitted_; }
  std::string unfit_reason() const override;
  ItemIndex n_items() const override { return n_items_; }
  std::string params_text() const override;

  const EaseParams& params() const { return params_; }
  /// The items with interactions at fit time (B's rows and columns), ascending.
  const std::vector<ItemIndex>& active_items() const { return active_; }
  /// B, active x active, row-major: weight(active_[r] -> active_[c]).
  const std::vector<float>& weights() const { return b_; }

 private:
  void index_active();

  EaseParams params_;
  bool fitted_ = false;
  ItemIndex n_items_ = 0;
  std::vector<ItemIndex> active_;        // active index -> item
  std::vector<ItemIndex> active_of_;     // item -> active index, -1 when inactive
  std::vector<float> b_;
};

}  // namespace mxn::models

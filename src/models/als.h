#pragma once
// Als: matrix factorisation by alternating least squares.
//  - implicit feedback (Hu, Koren, Volinsky 2008): confidence 1 + alpha*|w|, preference w > 0, solved
//    per row by a few warm-started conjugate-gradient steps (Takács et al. 2011) against YᵀY + λI,
//    which is computed once per half-iteration;
//  - explicit ratings (ALS-WR, Zhou et al. 2008): squared error on the weights with λ·n_row
//    regularisation, solved per row by the same warm-started CG.
// params.feedback picks the mode: implicit (the default, for any data: it ranks far better for top-k) or
// explicit (rating regression, only when asked).
// Each iteration solves all items, then all users, so user factors always match the final item factors.
// Serving folds a live row in by one exact least-squares solve against the item factors.
// With a fixed seed, results are bit-identical for any thread count.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/model_params.h"
#include "models/factors.h"
#include "models/quantized_factors.h"
#include "models/recommender.h"

namespace mxn::models {

class Als final : public Recommender {
 public:
  static constexpr std::string_view kTypeName = "als";
  static constexpr std::uint32_t kFormatVersion = 1;

  /// Invalid params are an Error listing every problem, fields named `field_prefix`.<key>.
  explicit Als(AlsParams params = {}, std::string_view field_prefix = "als");

  std::string_view type_name() const override { return kTypeName; }
  void fit(const data::InteractionMatrix& interactions, const FitOptions& options) override;
  std::vector<ScoredItem> recommend(const data::SparseRow& row, std::size_t k,
                                    const ItemFilter& exclude) const override;
  /// Cosine similarity of item factors.
  std::vector<ScoredItem> similar_items(ItemIndex item, std::size_t k) const override;
  void save(ModelWriter& out) const override;
  void load(ModelReader& in) override;
  bool is_fitted() const override { return fitted_; }
  ItemIndex n_items() const override { return static_cast<ItemIndex>(items_.rows()); }
  std::string params_text() const override;

  const AlsParams& params() const { return params_; }
  /// The mode fit() resolved (or the loaded model was trained in).
  bool is_explicit() const { return explicit_; }
  /// n_users x factors after fit(); empty after load() (files keep item factors only; serving folds in).
  const FactorMatrix& user_factors() const { return users_; }
  /// n_items x factors.
  const FactorMatrix& item_factors() const { return items_; }
  /// Training loss after each iteration (implicit: weighted squared error + λ(|X|² + |Y|²); explicit:
  /// squared error + λ Σ n_row |row|²).
  const std::vector<double>& loss_history() const { return loss_history_; }
  /// The user vector for a live row: one exact least-squares solve against the item factors (items the
  /// model does not know are ignored; a row with no known item gives the zero vector).
  Eigen::VectorXf fold_in(const data::SparseRow& row) const;

 private:
  AlsParams params_;
  bool explicit_ = false;
  bool fitted_ = false;
  FactorMatrix users_;
  FactorMatrix items_;
  FactorMatrix item_gram_;  // k x k, YᵀY + λI (implicit fold-in)
  std::vector<float> item_norms_;
  QuantizedFactors quantized_;  // of items_, for recommend()
  std::vector<double> loss_history_;
};

}  // namespace mxn::models

#pragma once
// Bpr: Bayesian Personalised Ranking matrix factorisation (Rendle et al. 2009), learned by SGD.
// A sample is a positive entry (user u, item i with weight > 0) and a negative item j drawn uniformly
// from the items that are not positives of u. An epoch takes as many samples as there are positive
// entries, in draws of four: a positive entry drawn uniformly, then three more positives of the same
// user (so each positive entry is still equally likely, and the user's row stays in cache). The model
// scores u·y_i + b_i (item factors plus an item bias). Updates are lock-free across threads (Hogwild,
// Niu et al. 2011); each thread has its own Rng seeded from params.seed, so with threads = 1 a fixed
// seed gives bit-identical results. Serving folds a live row in by fold_in_steps SGD passes on the
// user vector with the item factors fixed.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/model_params.h"
#include "models/factors.h"
#include "models/quantized_factors.h"
#include "models/recommender.h"

namespace mxn::models {

class Bpr final : public Recommender {
 public:
  static constexpr std::string_view kTypeName = "bpr";
  static constexpr std::uint32_t kFormatVersion = 1;

  /// Invalid params are an Error listing every problem, fields named `field_prefix`.<key>.
  explicit Bpr(BprParams params = {}, std::string_view field_prefix = "bpr");

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

  const BprParams& params() const { return params_; }
  /// n_users x factors after fit(); empty after load().
  const FactorMatrix& user_factors() const { return users_; }
  /// n_items x factors.
  const FactorMatrix& item_factors() const { return items_; }
  /// n_items.
  const std::vector<float>& item_bias() const { return bias_; }
  /// Mean BPR loss -log σ(x_uij) over each epoch's samples.
  const std::vector<double>& loss_history() const { return loss_history_; }
  /// The user vector for a live row (items unknown to the model ignored); zero when the row has no
  /// known positive item. Deterministic for a given row.
  Eigen::VectorXf fold_in(const data::SparseRow& row) const;

 private:
  BprParams params_;
  bool fitted_ = false;
  FactorMatrix users_;
  FactorMatrix items_;
  std::vector<float> bias_;
  std::vector<float> item_norms_;
  QuantizedFactors quantized_;  // of items_, for recommend()
  std::vector<double> loss_history_;
};

}  // namespace mxn::models

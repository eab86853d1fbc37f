#pragma once
// Popularity: recency-decayed counts, the cold-start fallback and the baseline of every evaluation.
// score(i) = Σ over users with a positive weight on i of 0.5^((now - t_ui) / half_life), where t_ui is the
// entry's latest timestamp and "now" the latest timestamp in the training data (so retraining the same
// data gives the same model). Without timestamps (all 0) it is the plain count of positive users.
// recommend() ignores the row: every user gets the same ranking minus the excluded items; items nobody
// liked come last (score 0), so the list is only shorter than k when the catalog runs out.

#include <vector>

#include "core/model_params.h"
#include "models/recommender.h"

namespace mxn::models {

class Popularity final : public Recommender {
 public:
  static constexpr std::string_view kTypeName = "popularity";
  static constexpr std::uint32_t kFormatVersion = 1;

  /// Invalid params are an Error listing every problem, fields named `field_prefix`.<key>.
  explicit Popularity(PopularityParams params = {}, std::string_view field_prefix = "popularity");

  std::string_view type_name() const override { return kTypeName; }
  void fit(const data::InteractionMatrix& interactions, const FitOptions& options) override;
  std::vector<ScoredItem> recommend(const data::SparseRow& row, std::size_t k,
                                    const ItemFilter& exclude) const override;
  void save(ModelWriter& out) const override;
  void load(ModelReader& in) override;
  bool is_fitted() const override { return fitted_; }
  std::string unfit_reason() const override;
  ItemIndex n_items() const override { return static_cast<ItemIndex>(scores_.size()); }
  std::string params_text() const override;

  const PopularityParams& params() const { return params_; }
  /// Decayed count per item.
  const std::vector<float>& scores() const { return scores_; }
  /// The "now" of the decay (epoch microseconds).
  std::int64_t now_us() const { return now_us_; }

 private:
  void rank();

  PopularityParams params_;
  bool fitted_ = false;
  std::int64_t now_us_ = 0;
  std::vector<float> scores_;
  std::vector<ItemIndex> order_;  // all items, best first
};

}  // namespace mxn::models

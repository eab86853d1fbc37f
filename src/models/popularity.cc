#include "models/popularity.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "core/error.h"

namespace mxn::models {

namespace {
constexpr double kMicrosPerDay = 86400.0 * 1e6;
}

Popularity::Popularity(PopularityParams params, std::string_view field_prefix) : params_(params) {
  std::vector<FieldError> problems;
  params_.validate(field_prefix, problems);
  if (!problems.empty()) throw Error(std::move(problems));
}

std::string Popularity::params_text() const {
  std::ostringstream s;
  s << "half_life_days=" << params_.half_life_days;
  return s.str();
}

void Popularity::fit(const data::InteractionMatrix& m, const FitOptions& options) {
  fitted_ = false;
  now_us_ = m.max_timestamp();
  const double half_life_us = params_.half_life_days * kMicrosPerDay;
  std::vector<double> acc(static_cast<std::size_t>(m.n_items()), 0.0);
  const auto& items = m.row_items();
  const auto& weights = m.row_weights();
  const auto& ts = m.row_timestamps();
  for (std::size_t e = 0; e < m.nnz(); ++e) {
    if (!(weights[e] > 0)) continue;
    const double age = static_cast<double>(now_us_ - ts[e]);
    acc[static_cast<std::size_t>(items[e])] += half_life_us > 0 ? std::exp2(-age / half_life_us) : 1.0;
  }
  scores_.assign(acc.begin(), acc.end());
  rank();
  fitted_ = true;
  if (options.progress) options.progress(1, 1, std::nan(""));
}

std::string Popularity::unfit_reason() const {
  for (float s : scores_) {
    if (s > 0) return {};
  }
  return "no item has a positive interaction";
}

void Popularity::rank() {
  order_.resize(scores_.size());
  std::iota(order_.begin(), order_.end(), 0);
  std::stable_sort(order_.begin(), order_.end(), [&](ItemIndex a, ItemIndex b) {
    return scores_[static_cast<std::size_t>(a)] > scores_[static_cast<std::size_t>(b)];
  });
}

std::vector<ScoredItem> Popularity::recommend(const data::SparseRow& row, std::size_t k,
                                              const ItemFilter& exclude) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'popularity' is not fitted");
  row.validate();
  std::vector<ScoredItem> out;
  out.reserve(std::min(k, order_.size()));
  for (std::size_t q = 0; q < order_.size() && out.size() < k; ++q) {
    const ItemIndex item = order_[q];
    if (!exclude.excludes(item)) out.push_back({item, scores_[static_cast<std::size_t>(item)]});
  }
  return out;
}

void Popularity::save(ModelWriter& out) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'popularity' is not fitted");
  out.begin(kTypeName, kFormatVersion, params_text());
  auto& b = out.body();
  b.write<double>(params_.half_life_days);
  b.write<std::int64_t>(now_us_);
  b.write_vector(scores_);
  out.end();
}

void Popularity::load(ModelReader& in) {
  in.expect(kTypeName, kFormatVersion);
  auto& b = in.body();
  PopularityParams p;
  p.half_life_days = b.read<double>("popularity half_life_days");
  std::vector<FieldError> problems;
  p.validate("popularity", problems);
  if (!problems.empty())
    throw Error(Code::kCorrupt, "model file holds invalid params: " + std::string(Error(problems).what()));
  const auto now = b.read<std::int64_t>("popularity now");
  auto scores = b.read_vector<float>("popularity scores");
  in.end();
  params_ = p;
  now_us_ = now;
  scores_ = std::move(scores);
  rank();
  fitted_ = true;
}

}  // namespace mxn::models

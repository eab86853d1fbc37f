#include "models/rp3beta.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/log.h"

namespace mxn::models {

Rp3beta::Rp3beta(Rp3betaParams params, std::string_view field_prefix) : params_(params) {
  std::vector<FieldError> problems;
  params_.validate(field_prefix, problems);
  if (!problems.empty()) throw Error(std::move(problems));
}

std::string Rp3beta::params_text() const {
  std::ostringstream s;
  s << "alpha=" << params_.alpha << " beta=" << params_.beta << " neighbors=" << params_.neighbors;
  return s.str();
}

std::string Rp3beta::unfit_reason() const {
  return lists_.items.empty() ? "no two items share a user" : "";
}

void Rp3beta::fit(const data::InteractionMatrix& m, const FitOptions& options) {
  fitted_ = false;
  const auto n = static_cast<std::size_t>(m.n_items());
  const auto& row_ptr = m.row_ptr();
  const auto& row_items = m.row_items();
  const auto& col_ptr = m.col_ptr();
  const auto& col_users = m.col_users();
  const auto alpha = static_cast<float>(params_.alpha);
  std::vector<float> user_step(static_cast<std::size_t>(m.n_users()));  // deg_u^-alpha
  for (std::size_t u = 0; u < user_step.size(); ++u) {
    const auto deg = static_cast<float>(row_ptr[u + 1] - row_ptr[u]);
    user_step[u] = deg > 0 ? std::pow(deg, -alpha) : 0.0f;
  }
  std::vector<float> from(n), to(n);  // deg_i^-alpha, deg_j^-beta
  for (std::size_t i = 0; i < n; ++i) {
    const auto deg = static_cast<float>(col_ptr[i + 1] - col_ptr[i]);
    from[i] = deg > 0 ? std::pow(deg, -alpha) : 0.0f;
    to[i] = deg > 0 ? std::pow(deg, -static_cast<float>(params_.beta)) : 0.0f;
  }
  const auto keep = static_cast<std::size_t>(params_.neighbors);
  std::vector<std::vector<ScoredItem>> kept(n);
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
#pragma omp parallel num_threads(threads) if (m.nnz() > 20000)
  {
    std::vector<float> acc(n, 0.0f);
    std::vector<ItemIndex> touched;
#pragma omp for schedule(dynamic, 32)
    for (std::size_t i = 0; i < n; ++i) {
      touched.clear();
      for (auto c = col_ptr[i]; c < col_ptr[i + 1]; ++c) {
        const auto u = static_cast<std::size_t>(col_users[static_cast<std::size_t>(c)]);
        const float step = user_step[u];
        for (auto p = row_ptr[u]; p < row_ptr[u + 1]; ++p) {
          const ItemIndex j = row_items[static_cast<std::size_t>(p)];
          float& a = acc[static_cast<std::size_t>(j)];
          if (a == 0.0f) touched.push_back(j);
          a += step;
        }
      }
      auto& list = kept[i];
      list.reserve(touched.size());
      for (ItemIndex j : touched) {
        const auto ju = static_cast<std::size_t>(j);
        if (ju != i) list.push_back({j, from[i] * acc[ju] * to[ju]});
        acc[ju] = 0.0f;
      }
      const auto cut = std::min(keep, list.size());
      std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(cut), list.end(),
                        [](const ScoredItem& a, const ScoredItem& b) {
                          return a.score > b.score || (a.score == b.score && a.item < b.item);
                        });
      list.resize(cut);
      list.shrink_to_fit();
    }
  }
  NeighborLists lists;
  lists.ptr.reserve(n + 1);
  for (const auto& list : kept) {
    for (const auto& s : list) {
      lists.items.push_back(s.item);
      lists.similarities.push_back(s.score);
    }
    lists.ptr.push_back(static_cast<std::int64_t>(lists.items.size()));
  }
  lists_ = std::move(lists);
  n_items_ = m.n_items();
  fitted_ = true;
  log::debug("rp3beta.fit", "items", n_items_, "weights", lists_.items.size());
  if (options.progress) options.progress(1, 1, std::nan(""));
}

std::vector<ScoredItem> Rp3beta::recommend(const data::SparseRow& row, std::size_t k,
                                           const ItemFilter& exclude) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'rp3beta' is not fitted");
  row.validate();
  return top_k_by_neighbors(lists_, row, k, exclude);
}

std::vector<ScoredItem> Rp3beta::similar_items(ItemIndex item, std::size_t k) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'rp3beta' is not fitted");
  if (item < 0 || item >= n_items_) throw Error(Code::kNotFound, "no item with index " + std::to_string(item), "item");
  return lists_.first(item, k);
}

void Rp3beta::save(ModelWriter& out) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'rp3beta' is not fitted");
  out.begin(kTypeName, kFormatVersion, params_text());
  auto& b = out.body();
  b.write<double>(params_.alpha);
  b.write<double>(params_.beta);
  b.write<std::int32_t>(params_.neighbors);
  b.write<std::int32_t>(n_items_);
  lists_.save(b);
  out.end();
}

void Rp3beta::load(ModelReader& in) {
  in.expect(kTypeName, kFormatVersion);
  auto& b = in.body();
  Rp3betaParams p;
  p.alpha = b.read<double>("rp3beta alpha");
  p.beta = b.read<double>("rp3beta beta");
  p.neighbors = b.read<std::int32_t>("rp3beta neighbors");
  std::vector<FieldError> problems;
  p.validate("rp3beta", problems);
  if (!problems.empty())
    throw Error(Code::kCorrupt, "model file holds invalid params: " + std::string(Error(problems).what()));
  const auto n_items = b.read<std::int32_t>("rp3beta n_items");
  auto lists = NeighborLists::load(b, n_items, "rp3beta");
  in.end();
  params_ = p;
  n_items_ = n_items;
  lists_ = std::move(lists);
  fitted_ = true;
}

}  // namespace mxn::models

#include "models/ease.h"

#include <cblas.h>
#include <f77blas.h>
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.h"
#include "core/log.h"
#include "models/top_k.h"

namespace mxn::models {

namespace {

/// Replaces the lower triangle of the symmetric positive definite `a` (n x n, column-major) with its
/// inverse's, by LAPACK's Cholesky factorisation (potrf) and inverse (potri); LAPACK's info (0 = done).
template <class T>
int cholesky_inverse(blasint n, T* a) {
  char uplo = 'L';
  blasint info = 0;
  if constexpr (std::is_same_v<T, float>) {
    BLASFUNC(spotrf)(&uplo, &n, a, &n, &info);
    if (info == 0) BLASFUNC(spotri)(&uplo, &n, a, &n, &info);
  } else {
    BLASFUNC(dpotrf)(&uplo, &n, a, &n, &info);
    if (info == 0) BLASFUNC(dpotri)(&uplo, &n, a, &n, &info);
  }
  return static_cast<int>(info);
}

/// B (row-major, n x n floats) from the weighed matrix, over the active items; T is the precision of the
/// inversion. G is built column by column (lower triangle), each column by one thread.
template <class T>
std::vector<float> ease_weights(const data::InteractionMatrix& m, const std::vector<ItemIndex>& active,
                                const std::vector<ItemIndex>& active_of, double lambda, int threads) {
  const auto n = static_cast<std::size_t>(active.size());
  std::vector<T> g(n * n, T(0));  // column-major; symmetric
  const auto& row_ptr = m.row_ptr();
  const auto& row_items = m.row_items();
  const auto& row_weights = m.row_weights();
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
  for (std::size_t a = 0; a < n; ++a) {
    T* column = g.data() + a * n;
    const auto col = m.column(active[a]);
    for (std::size_t e = 0; e < col.size(); ++e) {
      const auto u = static_cast<std::size_t>(col.users[e]);
      const T w = col.weights[e];
      for (auto p = row_ptr[u]; p < row_ptr[u + 1]; ++p) {
        const auto j = static_cast<std::size_t>(active_of[static_cast<std::size_t>(row_items[static_cast<std::size_t>(p)])]);
        if (j >= a) column[j] += w * static_cast<T>(row_weights[static_cast<std::size_t>(p)]);
      }
    }
    column[a] += static_cast<T>(lambda);
  }
  if (int info = cholesky_inverse(static_cast<blasint>(n), g.data()); info != 0) {
    throw Error(Code::kInternal, fmt::format("ease: the Gram matrix cannot be inverted (LAPACK info {})", info));
  }
  // P's lower triangle holds P; B_ij = -P_ij / P_jj (P is symmetric), B_ii = 0.
  std::vector<T> inv_diag(n);
  for (std::size_t j = 0; j < n; ++j) inv_diag[j] = T(-1) / g[j * n + j];
  std::vector<float> b;
  if constexpr (std::is_same_v<T, float>) {
    b = std::move(g);
  } else {
    b.assign(n * n, 0.0f);
  }
  // Make b the full symmetric P: the float buffer mirrors its lower triangle (column-major) into the upper
  // one; the double one is copied both ways. A symmetric matrix reads the same row- or column-major.
  if constexpr (std::is_same_v<T, float>) {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
    for (std::size_t c = 0; c < n; ++c) {
      for (std::size_t r = c + 1; r < n; ++r) b[r * n + c] = b[c * n + r];
    }
  } else {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
    for (std::size_t c = 0; c < n; ++c) {
      for (std::size_t r = c; r < n; ++r) {
        b[c * n + r] = static_cast<float>(g[c * n + r]);
        b[r * n + c] = static_cast<float>(g[c * n + r]);
      }
    }
  }
  // Now b is P, full and symmetric; row-major B_ij = P_ij * (-1 / P_jj).
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    float* row = b.data() + i * n;
    for (std::size_t j = 0; j < n; ++j) row[j] = static_cast<float>(row[j] * inv_diag[j]);
    row[i] = 0.0f;
  }
  return b;
}

}  // namespace

Ease::Ease(EaseParams params, std::string_view field_prefix) : params_(params) {
  std::vector<FieldError> problems;
  params_.validate(field_prefix, problems);
  if (!problems.empty()) throw Error(std::move(problems));
}

std::string Ease::params_text() const {
  std::ostringstream s;
  s << "lambda=" << params_.lambda << " max_items=" << params_.max_items;
  return s.str();
}

std::string Ease::unfit_reason() const { return active_.empty() ? "no item has an interaction" : ""; }

void Ease::index_active() {
  active_of_.assign(static_cast<std::size_t>(n_items_), -1);
  for (std::size_t a = 0; a < active_.size(); ++a) active_of_[static_cast<std::size_t>(active_[a])] = static_cast<ItemIndex>(a);
}

void Ease::fit(const data::InteractionMatrix& m, const FitOptions& options) {
  fitted_ = false;
  std::vector<ItemIndex> active;
  for (ItemIndex i = 0; i < m.n_items(); ++i) {
    if (!m.column(i).empty()) active.push_back(i);
  }
  if (static_cast<std::int64_t>(active.size()) > params_.max_items) {
    const double gb = static_cast<double>(active.size()) * static_cast<double>(active.size()) * 4.0 / 1e9;
    throw Error(Code::kTooLarge,
                fmt::format("ease: {} items have interactions, more than max_items = {} (the fit would hold {:.1f} GB "
                            "and take about items³ time); use rp3beta or knn, which scale with the interactions, "
                            "or raise max_items",
                            active.size(), params_.max_items, gb),
                "max_items");
  }
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  openblas_set_num_threads(threads);
  n_items_ = m.n_items();
  active_ = std::move(active);
  index_active();
  b_ = active_.empty() ? std::vector<float>()
       : active_.size() <= static_cast<std::size_t>(kDoubleItems)
           ? ease_weights<double>(m, active_, active_of_, params_.lambda, threads)
           : ease_weights<float>(m, active_, active_of_, params_.lambda, threads);
  fitted_ = true;
  log::debug("ease.fit", "items", n_items_, "active", active_.size());
  if (options.progress) options.progress(1, 1, std::nan(""));
}

std::vector<ScoredItem> Ease::recommend(const data::SparseRow& row, std::size_t k, const ItemFilter& exclude) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'ease' is not fitted");
  row.validate();
  const std::size_t n = active_.size();
  std::vector<float> acc(n, 0.0f);
  bool any = false;
  for (std::size_t e = 0; e < row.size(); ++e) {
    const ItemIndex item = row.items[e];
    if (item >= n_items_) break;  // newer than the model (rows are sorted)
    const ItemIndex a = active_of_[static_cast<std::size_t>(item)];
    if (a < 0) continue;
    cblas_saxpy(static_cast<blasint>(n), row.weights[e], b_.data() + static_cast<std::size_t>(a) * n, 1, acc.data(), 1);
    any = true;
  }
  if (!any) return {};
  std::vector<float> scores(static_cast<std::size_t>(n_items_), std::numeric_limits<float>::quiet_NaN());
  for (std::size_t a = 0; a < n; ++a) scores[static_cast<std::size_t>(active_[a])] = acc[a];
  return top_k(scores, k, exclude);
}

std::vector<ScoredItem> Ease::similar_items(ItemIndex item, std::size_t k) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'ease' is not fitted");
  if (item < 0 || item >= n_items_) throw Error(Code::kNotFound, "no item with index " + std::to_string(item), "item");
  const ItemIndex a = active_of_[static_cast<std::size_t>(item)];
  if (a < 0) return {};
  const std::size_t n = active_.size();
  std::vector<float> scores(static_cast<std::size_t>(n_items_), std::numeric_limits<float>::quiet_NaN());
  const float* row = b_.data() + static_cast<std::size_t>(a) * n;
  for (std::size_t c = 0; c < n; ++c) scores[static_cast<std::size_t>(active_[c])] = row[c];
  return top_k(scores, k, ItemFilter({item}));
}

void Ease::save(ModelWriter& out) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'ease' is not fitted");
  out.begin(kTypeName, kFormatVersion, params_text());
  auto& b = out.body();
  b.write<double>(params_.lambda);
  b.write<std::int32_t>(params_.max_items);
  b.write<std::int32_t>(n_items_);
  b.write_vector(active_);
  b.write_vector(b_);
  out.end();
}

void Ease::load(ModelReader& in) {
  in.expect(kTypeName, kFormatVersion);
  auto& b = in.body();
  EaseParams p;
  p.lambda = b.read<double>("ease lambda");
  p.max_items = b.read<std::int32_t>("ease max_items");
  std::vector<FieldError> problems;
  p.validate("ease", problems);
  if (!problems.empty())
    throw Error(Code::kCorrupt, "model file holds invalid params: " + std::string(Error(problems).what()));
  const auto n_items = b.read<std::int32_t>("ease n_items");
  if (n_items < 0) throw Error(Code::kCorrupt, "ease: negative n_items");
  auto active = b.read_vector<ItemIndex>("ease active items");
  auto weights = b.read_vector<float>("ease weights");
  in.end();
  for (std::size_t a = 0; a < active.size(); ++a) {
    if (active[a] < 0 || active[a] >= n_items || (a > 0 && active[a] <= active[a - 1]))
      throw Error(Code::kCorrupt, "ease: active items out of range or out of order");
  }
  if (weights.size() != active.size() * active.size())
    throw Error(Code::kCorrupt, "ease: the weights are not active items squared");
  params_ = p;
  n_items_ = n_items;
  active_ = std::move(active);
  b_ = std::move(weights);
  index_active();
  fitted_ = true;
}

}  // namespace mxn::models

#include "models/als.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.h"
#include "core/log.h"
#include "models/als_solver.h"

namespace mxn::models {

namespace {

/// Below this many flops (roughly) a half-iteration runs on the calling thread: waking a team costs more.
constexpr std::size_t kMinParallelWork = 4'000'000;

/// A CSR or CSC view: row r spans [ptr[r], ptr[r+1]) of idx / w.
struct SparseSide {
  const std::vector<std::int64_t>& ptr;
  const std::int32_t* idx;
  const float* w;
};

/// Solves every row of `target` against `fixed`; when `losses` is given, stores each row's loss term.
void solve_side(FactorMatrix& target, const FactorMatrix& fixed, const SparseSide& side,
                const FactorMatrix& gram, const AlsParams& params, bool explicit_mode, int threads,
                std::vector<double>* losses) {
  const int k = static_cast<int>(target.cols());
  const auto rows = static_cast<std::int64_t>(target.rows());
  const auto lambda = static_cast<float>(params.regularization);
  const auto alpha = static_cast<float>(params.alpha);
  const auto nnz = static_cast<std::size_t>(side.ptr.back());
  const bool parallel =
      (static_cast<std::size_t>(rows) * static_cast<std::size_t>(k) + nnz) * static_cast<std::size_t>(k) >
      kMinParallelWork;
#pragma omp parallel num_threads(threads) if (parallel)
  {
    std::vector<float> work;
#pragma omp for schedule(dynamic, 64)
    for (std::int64_t r = 0; r < rows; ++r) {
      const auto b = static_cast<std::size_t>(side.ptr[static_cast<std::size_t>(r)]);
      const auto e = static_cast<std::size_t>(side.ptr[static_cast<std::size_t>(r) + 1]);
      const AlsRow row{fixed.data(), k, {side.idx + b, e - b}, {side.w + b, e - b}};
      float* x = target.data() + r * k;
      if (explicit_mode) {
        als_cg_explicit(row, lambda, params.cg_steps, x, work);
        if (losses) (*losses)[static_cast<std::size_t>(r)] = als_loss_explicit(row, lambda, x);
      } else {
        als_cg_implicit(row, gram.data(), alpha, params.cg_steps, x, work);
        if (losses) (*losses)[static_cast<std::size_t>(r)] = als_loss_implicit(row, gram.data(), alpha, x);
      }
    }
  }
}

/// The prefix of a row whose items the model knows (rows are sorted by item).
data::SparseRow known_part(const data::SparseRow& row, ItemIndex n_items) {
  const auto end = std::lower_bound(row.items.begin(), row.items.end(), n_items) - row.items.begin();
  const auto n = static_cast<std::size_t>(end);
  return {row.items.first(n), row.weights.first(n)};
}

}  // namespace

Als::Als(AlsParams params, std::string_view field_prefix) : params_(std::move(params)) {
  std::vector<FieldError> problems;
  params_.validate(field_prefix, problems);
  if (!problems.empty()) throw Error(std::move(problems));
}

std::string Als::params_text() const {
  std::ostringstream s;
  s << "factors=" << params_.factors << " regularization=" << params_.regularization
    << " alpha=" << params_.alpha << " iterations=" << params_.iterations << " cg_steps=" << params_.cg_steps
    << " feedback=" << params_.feedback << " seed=" << params_.seed;
  return s.str();
}

void Als::fit(const data::InteractionMatrix& m, const FitOptions& options) {
  fitted_ = false;
  const int threads = resolve_threads(options.threads);
  const int k = params_.factors;
  explicit_ = params_.feedback == "explicit";
  const auto lambda = static_cast<float>(params_.regularization);
  const float scale = 0.1f / std::sqrt(static_cast<float>(k));
  users_ = random_factors(m.n_users(), k, scale, params_.seed, 0);
  items_ = random_factors(m.n_items(), k, scale, params_.seed, 1);
  loss_history_.clear();

  const SparseSide by_user{m.row_ptr(), m.row_items().data(), m.row_weights().data()};
  const SparseSide by_item{m.col_ptr(), m.col_users().data(), m.col_weights().data()};
  std::vector<double> user_losses(static_cast<std::size_t>(m.n_users()));
  FactorMatrix no_gram;
  for (int it = 0; it < params_.iterations; ++it) {
    const FactorMatrix user_gram = explicit_ ? no_gram : gram(users_, lambda, threads);
    solve_side(items_, users_, by_item, user_gram, params_, explicit_, threads, nullptr);
    const FactorMatrix item_gram = explicit_ ? no_gram : gram(items_, lambda, threads);
    solve_side(users_, items_, by_user, item_gram, params_, explicit_, threads, &user_losses);

    double loss = 0;
    for (double l : user_losses) loss += l;
    for (Eigen::Index i = 0; i < items_.rows(); ++i) {
      const double sq = items_.row(i).squaredNorm();
      const double n_i = explicit_ ? static_cast<double>(m.col_ptr()[static_cast<std::size_t>(i) + 1] -
                                                         m.col_ptr()[static_cast<std::size_t>(i)])
                                   : 1.0;
      loss += lambda * n_i * sq;
    }
    loss_history_.push_back(loss);
    log::debug("als.iteration", "iteration", it + 1, "loss", loss);
    if (options.progress) options.progress(it + 1, params_.iterations, loss);
  }
  item_gram_ = explicit_ ? FactorMatrix() : gram(items_, lambda, threads);
  item_norms_ = row_norms(items_);
  quantized_ = QuantizedFactors(items_);
  fitted_ = true;
}

Eigen::VectorXf Als::fold_in(const data::SparseRow& live_row) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'als' is not fitted");
  live_row.validate();
  const auto row = known_part(live_row, n_items());
  const int k = static_cast<int>(items_.cols());
  Eigen::VectorXf x = Eigen::VectorXf::Zero(k);
  if (row.empty()) return x;
  const AlsRow system{items_.data(), k, row.items, row.weights};
  if (explicit_) {
    als_exact_explicit(system, static_cast<float>(params_.regularization), x.data());
  } else {
    als_exact_implicit(system, item_gram_.data(), static_cast<float>(params_.alpha), x.data());
  }
  return x;
}

std::vector<ScoredItem> Als::recommend(const data::SparseRow& row, std::size_t k,
                                       const ItemFilter& exclude) const {
  const Eigen::VectorXf x = fold_in(row);
  if (x.isZero(0)) return {};
  return quantized_.top_k(items_, {x.data(), static_cast<std::size_t>(x.size())}, {}, k, exclude);
}

std::vector<ScoredItem> Als::similar_items(ItemIndex item, std::size_t k) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'als' is not fitted");
  return similar_by_cosine(items_, item_norms_, item, k);
}

void Als::save(ModelWriter& out) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'als' is not fitted");
  out.begin(kTypeName, kFormatVersion, params_text());
  auto& b = out.body();
  b.write<std::int32_t>(params_.factors);
  b.write<double>(params_.regularization);
  b.write<double>(params_.alpha);
  b.write<std::int32_t>(params_.iterations);
  b.write<std::int32_t>(params_.cg_steps);
  b.write_string(params_.feedback);
  b.write<std::uint64_t>(params_.seed);
  b.write<std::uint8_t>(explicit_ ? 1 : 0);
  write_factors(b, items_);
  b.write_vector(loss_history_);
  out.end();
}

void Als::load(ModelReader& in) {
  in.expect(kTypeName, kFormatVersion);
  auto& b = in.body();
  AlsParams p;
  p.factors = b.read<std::int32_t>("als factors");
  p.regularization = b.read<double>("als regularization");
  p.alpha = b.read<double>("als alpha");
  p.iterations = b.read<std::int32_t>("als iterations");
  p.cg_steps = b.read<std::int32_t>("als cg_steps");
  p.feedback = b.read_string("als feedback");
  p.seed = b.read<std::uint64_t>("als seed");
  const bool explicit_mode = b.read<std::uint8_t>("als mode") != 0;
  if (p.feedback == "auto") p.feedback = explicit_mode ? "explicit" : "implicit";  // files from before "auto" went
  std::vector<FieldError> problems;
  p.validate("als", problems);
  if (!problems.empty())
    throw Error(Code::kCorrupt, "model file holds invalid params: " + std::string(Error(problems).what()));
  FactorMatrix items = read_factors(b, "als item factors", -1, p.factors);
  auto history = b.read_vector<double>("als loss history");
  in.end();

  params_ = std::move(p);
  explicit_ = explicit_mode;
  items_ = std::move(items);
  users_ = FactorMatrix();
  loss_history_ = std::move(history);
  item_gram_ = explicit_ ? FactorMatrix() : gram(items_, static_cast<float>(params_.regularization), 1);
  item_norms_ = row_norms(items_);
  quantized_ = QuantizedFactors(items_);
  fitted_ = true;
}

}  // namespace mxn::models

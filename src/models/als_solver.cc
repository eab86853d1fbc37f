// GCC 12 reports a false -Wmaybe-uninitialized inside its own AVX-512 intrinsics when Eigen's double
// reductions are inlined here (GCC bug 105593); the diagnostic is about the compiler's headers, not this
// code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "models/als_solver.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <vector>

namespace mxn::models {

namespace {

// K > 0: the factor count known at compile time (loops fully unrolled and vectorised); K == 0: runtime k.
template <int K>
inline float dot(const float* a, const float* b, int kd) {
  const int k = K > 0 ? K : kd;
  float s = 0;
#pragma omp simd reduction(+ : s)
  for (int f = 0; f < k; ++f) s += a[f] * b[f];
  return s;
}

template <int K>
inline void axpy(float alpha, const float* x, float* y, int kd) {
  const int k = K > 0 ? K : kd;
#pragma omp simd
  for (int f = 0; f < k; ++f) y[f] += alpha * x[f];
}

/// out = G v for symmetric row-major G (k x k), as Σ_b v[b] G[b,:] with two interleaved accumulators.
template <int K>
inline void symv(const float* g, const float* v, float* out, int kd) {
  const int k = K > 0 ? K : kd;
  if constexpr (K > 0) {
    float acc0[K];
    float acc1[K];
#pragma omp simd
    for (int f = 0; f < k; ++f) acc0[f] = acc1[f] = 0;
    int b = 0;
    for (; b + 1 < k; b += 2) {
      const float v0 = v[b], v1 = v[b + 1];
      const float* g0 = g + b * k;
      const float* g1 = g0 + k;
#pragma omp simd
      for (int f = 0; f < k; ++f) {
        acc0[f] += v0 * g0[f];
        acc1[f] += v1 * g1[f];
      }
    }
    if (b < k) axpy<K>(v[b], g + b * k, acc0, k);
#pragma omp simd
    for (int f = 0; f < k; ++f) out[f] = acc0[f] + acc1[f];
  } else {
    for (int f = 0; f < k; ++f) out[f] = 0;
    for (int b = 0; b < k; ++b) axpy<0>(v[b], g + b * k, out, k);
  }
}

inline const float* factor_row(const AlsRow& row, std::size_t j, int k) {
  return row.factors + static_cast<std::size_t>(row.indices[j]) * static_cast<std::size_t>(k);
}

constexpr float kResidualEpsilon = 1e-20f;

/// The CG iterations shared by both systems. `apply_rank` adds Σ_j coef_j (y_j·v) y_j for the row's
/// part of A v; each pass first computes all the row's dot products (independent, so they pipeline),
/// then accumulates. work: r, p, ap (k each), then per-entry scratch (n dots).
template <int K>
void cg_loop(const AlsRow& row, const float* gram, float diag, const float* coef, int steps, float* x,
             float* work) {
  const int k = K > 0 ? K : row.k;
  const std::size_t n = row.indices.size();
  float* r = work;
  float* p = work + k;
  float* ap = work + 2 * k;
  float* d = work + 3 * k;
  float rs = 0;
#pragma omp simd reduction(+ : rs)
  for (int f = 0; f < k; ++f) {
    p[f] = r[f];
    rs += r[f] * r[f];
  }
  for (int step = 0; step < steps && rs > kResidualEpsilon; ++step) {
    if (gram) {
      symv<K>(gram, p, ap, k);
    } else {
#pragma omp simd
      for (int f = 0; f < k; ++f) ap[f] = diag * p[f];
    }
    for (std::size_t j = 0; j < n; ++j) d[j] = dot<K>(factor_row(row, j, k), p, k);
    for (std::size_t j = 0; j < n; ++j) axpy<K>(coef[j] * d[j], factor_row(row, j, k), ap, k);
    const float pap = dot<K>(p, ap, k);
    if (!(pap > 0)) break;
    const float a = rs / pap;
    float rs_new = 0;
#pragma omp simd reduction(+ : rs_new)
    for (int f = 0; f < k; ++f) {
      x[f] += a * p[f];
      r[f] -= a * ap[f];
      rs_new += r[f] * r[f];
    }
    const float beta = rs_new / rs;
#pragma omp simd
    for (int f = 0; f < k; ++f) p[f] = r[f] + beta * p[f];
    rs = rs_new;
  }
}

/// d[j] = y_j · x for every entry, prefetching rows a few entries ahead (the first touch of each row).
template <int K>
void row_dots(const AlsRow& row, const float* x, float* d, int k) {
  const std::size_t n = row.indices.size();
  for (std::size_t j = 0; j < n; ++j) {
    if (j + 6 < n) {
      const char* next = reinterpret_cast<const char*>(factor_row(row, j + 6, k));
      for (int line = 0; line < k * 4; line += 64) __builtin_prefetch(next + line);
    }
    d[j] = dot<K>(factor_row(row, j, k), x, k);
  }
}

template <int K>
void cg_implicit(const AlsRow& row, const float* gram, float alpha, int steps, float* x,
                 std::vector<float>& scratch) {
  const int k = K > 0 ? K : row.k;
  const std::size_t n = row.indices.size();
  scratch.resize(static_cast<std::size_t>(3 * k) + 2 * n);
  float* work = scratch.data();
  float* r = work;
  float* ap = work + 2 * k;
  float* d = work + 3 * k;
  float* c1 = d + n;  // confidence - 1
  for (std::size_t j = 0; j < n; ++j) c1[j] = alpha * std::fabs(row.weights[j]);
  // r = b - A x
  row_dots<K>(row, x, d, k);
  symv<K>(gram, x, ap, k);
#pragma omp simd
  for (int f = 0; f < k; ++f) r[f] = -ap[f];
  for (std::size_t j = 0; j < n; ++j) {
    const float coef = (row.weights[j] > 0 ? 1.0f + c1[j] : 0.0f) - c1[j] * d[j];
    axpy<K>(coef, factor_row(row, j, k), r, k);
  }
  cg_loop<K>(row, gram, 0.0f, c1, steps, x, work);
}

template <int K>
void cg_explicit(const AlsRow& row, float lambda, int steps, float* x, std::vector<float>& scratch) {
  const int k = K > 0 ? K : row.k;
  const std::size_t n = row.indices.size();
  if (n == 0) {
    for (int f = 0; f < k; ++f) x[f] = 0;
    return;
  }
  scratch.resize(static_cast<std::size_t>(3 * k) + 2 * n);
  float* work = scratch.data();
  float* r = work;
  float* d = work + 3 * k;
  float* ones = d + n;
  for (std::size_t j = 0; j < n; ++j) ones[j] = 1.0f;
  const float reg = lambda * static_cast<float>(n);
  row_dots<K>(row, x, d, k);
#pragma omp simd
  for (int f = 0; f < k; ++f) r[f] = -reg * x[f];
  for (std::size_t j = 0; j < n; ++j) axpy<K>(row.weights[j] - d[j], factor_row(row, j, k), r, k);
  cg_loop<K>(row, nullptr, reg, ones, steps, x, work);
}

template <int K>
double loss_implicit(const AlsRow& row, const float* gram, float alpha, const float* x) {
  const int k = K > 0 ? K : row.k;
  Eigen::VectorXf gx(k);
  symv<K>(gram, x, gx.data(), k);
  double loss = dot<K>(x, gx.data(), k);
  for (std::size_t j = 0; j < row.indices.size(); ++j) {
    const float w = row.weights[j];
    if (w == 0) continue;
    const double d = dot<K>(factor_row(row, j, k), x, k);
    const double c = 1.0 + alpha * std::fabs(w);
    const double e = (w > 0 ? 1.0 : 0.0) - d;
    loss += c * e * e - d * d;
  }
  return loss;
}

template <int K>
double loss_explicit(const AlsRow& row, float lambda, const float* x) {
  const int k = K > 0 ? K : row.k;
  double loss = static_cast<double>(lambda) * static_cast<double>(row.indices.size()) * dot<K>(x, x, k);
  for (std::size_t j = 0; j < row.indices.size(); ++j) {
    const double e = row.weights[j] - dot<K>(factor_row(row, j, k), x, k);
    loss += e * e;
  }
  return loss;
}

/// Calls f.template operator()<K>() with K = k for the factor counts that have unrolled kernels (16, 32,
/// 64, 128) and K = 0 (the count read at run time) for any other.
template <class F>
decltype(auto) with_factor_count(int k, F&& f) {
  switch (k) {
    case 16:
      return f.template operator()<16>();
    case 32:
      return f.template operator()<32>();
    case 64:
      return f.template operator()<64>();
    case 128:
      return f.template operator()<128>();
    default:
      return f.template operator()<0>();
  }
}

/// Solves a x = b reading only the lower triangle of a.
void solve_dense(Eigen::MatrixXd& a, Eigen::VectorXd& b, float* x) {
  Eigen::LLT<Eigen::MatrixXd> llt(a);
  Eigen::VectorXd sol;
  if (llt.info() == Eigen::Success) {
    sol = llt.solve(b);
  } else {
    sol = a.ldlt().solve(b);
  }
  for (Eigen::Index f = 0; f < sol.size(); ++f)
    x[f] = std::isfinite(sol[f]) ? static_cast<float>(sol[f]) : 0.0f;
}

}  // namespace

void als_cg_implicit(const AlsRow& row, const float* gram, float alpha, int steps, float* x,
                     std::vector<float>& work) {
  with_factor_count(row.k, [&]<int K>() { cg_implicit<K>(row, gram, alpha, steps, x, work); });
}

void als_cg_explicit(const AlsRow& row, float lambda, int steps, float* x, std::vector<float>& work) {
  with_factor_count(row.k, [&]<int K>() { cg_explicit<K>(row, lambda, steps, x, work); });
}

double als_loss_implicit(const AlsRow& row, const float* gram, float alpha, const float* x) {
  return with_factor_count(row.k, [&]<int K>() { return loss_implicit<K>(row, gram, alpha, x); });
}

double als_loss_explicit(const AlsRow& row, float lambda, const float* x) {
  return with_factor_count(row.k, [&]<int K>() { return loss_explicit<K>(row, lambda, x); });
}

// The exact solves gather the row's factor vectors into one matrix and form the Gram part with one
// symmetric rank-k update (blocked and single-threaded in Eigen, so serving threads never fan out).
void als_exact_implicit(const AlsRow& row, const float* gram, float alpha, float* x) {
  const int k = row.k;
  std::size_t n = 0;
  for (float w : row.weights) n += w != 0 ? 1 : 0;
  if (n == 0) {  // nothing weighs anything: b = 0, so x = 0 (and Eigen's rank update of no rows divides by 0)
    std::fill(x, x + k, 0.0f);
    return;
  }
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> scaled(static_cast<Eigen::Index>(n),
                                                                               k);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
  Eigen::Index q = 0;
  for (std::size_t j = 0; j < row.indices.size(); ++j) {
    const float w = row.weights[j];
    if (w == 0) continue;
    const Eigen::Map<const Eigen::RowVectorXf> y(factor_row(row, j, k), k);
    const float c1 = alpha * std::fabs(w);
    scaled.row(q++) = std::sqrt(c1) * y;
    if (w > 0) b += (1.0 + static_cast<double>(c1)) * y.transpose().cast<double>();
  }
  Eigen::MatrixXf a = Eigen::MatrixXf::Zero(k, k);
  a.selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose(), 1.0f);
  Eigen::MatrixXd ad(k, k);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j <= i; ++j) ad(i, j) = static_cast<double>(gram[i * k + j]) + a(i, j);
  }
  solve_dense(ad, b, x);
}

void als_exact_explicit(const AlsRow& row, float lambda, float* x) {
  const int k = row.k;
  const std::size_t n = row.indices.size();
  if (n == 0) {
    for (int f = 0; f < k; ++f) x[f] = 0;
    return;
  }
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> ys(static_cast<Eigen::Index>(n), k);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
  for (std::size_t j = 0; j < n; ++j) {
    const Eigen::Map<const Eigen::RowVectorXf> y(factor_row(row, j, k), k);
    ys.row(static_cast<Eigen::Index>(j)) = y;
    b += static_cast<double>(row.weights[j]) * y.transpose().cast<double>();
  }
  Eigen::MatrixXf a = Eigen::MatrixXf::Zero(k, k);
  a.selfadjointView<Eigen::Lower>().rankUpdate(ys.transpose(), 1.0f);
  Eigen::MatrixXd ad = a.cast<double>();
  ad.diagonal().array() += static_cast<double>(lambda) * static_cast<double>(n);
  solve_dense(ad, b, x);
}

}  // namespace mxn::models

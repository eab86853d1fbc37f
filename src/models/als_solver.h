#pragma once
// The per-row kernels of ALS: one user solved against fixed item factors (or one item against fixed
// user factors). Conjugate gradient with a fixed number of steps, warm-started from the current vector
// (Takács, Pilászy, Tikk 2011; the same scheme as the `implicit` library), plus exact Cholesky solves
// (fold-in, reference) and per-row loss terms. Specialised at compile time for k = 16, 32, 64, 128.
//
// Implicit (Hu, Koren, Volinsky 2008): weight w -> confidence c = 1 + alpha*|w|, preference p = 1 when
// w > 0 else 0; w == 0 contributes nothing. Normal equations of one row:
//     (G + Σ_j (c_j - 1) y_j y_jᵀ) x = Σ_j c_j p_j y_j,    G = YᵀY + λI over all rows of Y
// Explicit ALS-WR (Zhou et al. 2008), n = entries of the row:
//     (Σ_j y_j y_jᵀ + λ n I) x = Σ_j w_j y_j

#include <cstdint>
#include <span>
#include <vector>

namespace mxn::models {

/// One row of the problem: which rows of the fixed factor matrix it touches, with what weights.
struct AlsRow {
  const float* factors = nullptr;  // fixed side, n x k row-major
  int k = 0;
  std::span<const std::int32_t> indices;  // rows of `factors`, all valid
  std::span<const float> weights;         // aligned with indices
};

/// `steps` CG steps on the implicit system from x (updated in place). gram: k x k row-major YᵀY + λI.
/// work: scratch, grown to 3k + 2n floats as needed (reuse one per thread).
void als_cg_implicit(const AlsRow& row, const float* gram, float alpha, int steps, float* x,
                     std::vector<float>& work);
/// `steps` CG steps on the explicit system from x. An empty row sets x to 0.
void als_cg_explicit(const AlsRow& row, float lambda, int steps, float* x, std::vector<float>& work);

/// Exact solves of the same systems (Cholesky, LDLᵀ when not positive definite); x receives k floats.
void als_exact_implicit(const AlsRow& row, const float* gram, float alpha, float* x);
void als_exact_explicit(const AlsRow& row, float lambda, float* x);

/// Loss terms of one row at x, so that summing over all rows of one side gives the full objective:
/// implicit: xᵀ G x + Σ_j [c_j (p_j - d_j)² - d_j²] with d_j = y_j·x (G includes λI, so λ|x|² is in);
/// explicit: Σ_j (w_j - d_j)² + λ n |x|².
double als_loss_implicit(const AlsRow& row, const float* gram, float alpha, const float* x);
double als_loss_explicit(const AlsRow& row, float lambda, const float* x);

}  // namespace mxn::models

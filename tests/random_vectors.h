#pragma once
// Random unit vectors for vector-search tests and benchmarks (tests/unit/models,
// bench/vector_index_bench.cc). Two kinds, n x dim row-major floats, every row of L2 norm 1, the same output
// for the same seeds:
//   isotropic_unit_vectors: i.i.d. uniform on the sphere (normalised N(0, I_dim)). In 384 dimensions all
//     inner products concentrate near 0 and nearest neighbours are barely nearer than anything else: the
//     hardest case for a graph index.
//   low_rank_unit_vectors: a low intrinsic dimension plus noise, like text embeddings.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace mxn::testing {

namespace detail {

/// Scales row i of `v` (n x dim) to unit length.
inline void normalise_rows(std::vector<float>& v, std::size_t dim) {
  for (std::size_t start = 0; start + dim <= v.size(); start += dim) {
    double sum = 0;
    for (std::size_t j = 0; j < dim; ++j) sum += double(v[start + j]) * v[start + j];
    const double inv = 1.0 / std::sqrt(sum);
    for (std::size_t j = 0; j < dim; ++j) v[start + j] = static_cast<float>(v[start + j] * inv);
  }
}

}  // namespace detail

/// n x dim: normalise(x), x ~ N(0, I_dim), drawn from `seed`.
inline std::vector<float> isotropic_unit_vectors(std::size_t n, std::size_t dim, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> v(n * dim);
  for (auto& x : v) x = normal(rng);
  detail::normalise_rows(v, dim);
  return v;
}

/// n x dim: normalise(W z / 4 + 0.3 e) with z ~ N(0, I_latent) and e ~ N(0, I_dim) drawn from `seed`, and W
/// a dim x latent matrix of N(0, 1) entries drawn from `basis_seed`. Items and their queries share a
/// basis_seed (the same subspace) and differ in seed. With latent 16, W z / 4 has about unit variance per
/// component and the noise adds about 9% to it.
inline std::vector<float> low_rank_unit_vectors(std::size_t n, std::size_t dim, std::size_t latent,
                                                std::uint32_t basis_seed, std::uint32_t seed) {
  std::normal_distribution<float> normal;
  std::mt19937 basis_rng(basis_seed);
  std::vector<float> w(dim * latent);  // dim x latent, row-major
  for (auto& x : w) x = normal(basis_rng);
  std::mt19937 rng(seed);
  std::vector<float> v(n * dim);
  std::vector<float> z(latent);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& x : z) x = normal(rng);
    for (std::size_t j = 0; j < dim; ++j) {
      float a = 0;
      for (std::size_t k = 0; k < latent; ++k) a += w[j * latent + k] * z[k];
      v[i * dim + j] = a / 4.0f + 0.3f * normal(rng);
    }
  }
  detail::normalise_rows(v, dim);
  return v;
}

}  // namespace mxn::testing

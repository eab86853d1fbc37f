#include "models/factors.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "data/rng.h"
#include "models/top_k.h"

namespace mxn::models {

FactorMatrix random_factors(Eigen::Index rows, int k, float scale, std::uint64_t seed, std::uint64_t stream) {
  FactorMatrix m(rows, k);
  data::Rng rng(seed, stream);
  float* p = m.data();
  const auto n = static_cast<std::size_t>(m.size());
  for (std::size_t i = 0; i < n; ++i) p[i] = (2.0f * rng.uniform_float() - 1.0f) * scale;
  return m;
}

FactorMatrix gram(const FactorMatrix& m, float reg, int threads) {
  const int k = static_cast<int>(m.cols());
  const Eigen::Index rows = m.rows();
  constexpr Eigen::Index kChunk = 4096;
  const Eigen::Index chunks = (rows + kChunk - 1) / kChunk;
  std::vector<FactorMatrix> parts(static_cast<std::size_t>(chunks));
#pragma omp parallel for num_threads(resolve_threads(threads)) schedule(static) if (chunks > 1)
  for (Eigen::Index c = 0; c < chunks; ++c) {
    FactorMatrix g = FactorMatrix::Zero(k, k);
    const Eigen::Index end = std::min(rows, (c + 1) * kChunk);
    for (Eigen::Index r = c * kChunk; r < end; ++r) {
      const float* y = m.data() + r * k;
      for (int a = 0; a < k; ++a) {
        const float ya = y[a];
        float* ga = g.data() + static_cast<std::ptrdiff_t>(a) * k;
#pragma omp simd
        for (int b = 0; b < k; ++b) ga[b] += ya * y[b];
      }
    }
    parts[static_cast<std::size_t>(c)] = std::move(g);
  }
  FactorMatrix g = FactorMatrix::Zero(k, k);
  for (const auto& part : parts) g += part;
  for (int a = 0; a < k; ++a) g(a, a) += reg;
  return g;
}

std::vector<float> row_norms(const FactorMatrix& m) {
  std::vector<float> norms(static_cast<std::size_t>(m.rows()));
  for (Eigen::Index r = 0; r < m.rows(); ++r) norms[static_cast<std::size_t>(r)] = m.row(r).norm();
  return norms;
}

std::vector<ScoredItem> similar_by_cosine(const FactorMatrix& items, std::span<const float> norms,
                                          ItemIndex item, std::size_t k) {
  if (item < 0 || item >= items.rows()) {
    throw Error(Code::kNotFound, "no item with index " + std::to_string(item), "item");
  }
  Eigen::VectorXf scores = items * items.row(item).transpose();
  const float self = norms[static_cast<std::size_t>(item)];
  for (Eigen::Index i = 0; i < scores.size(); ++i) {
    const float d = self * norms[static_cast<std::size_t>(i)];
    scores[i] = d > 0 ? scores[i] / d : 0.0f;
  }
  return top_k(std::span<const float>(scores.data(), static_cast<std::size_t>(scores.size())), k,
               ItemFilter(std::vector<ItemIndex>{item}));
}

void write_factors(BinaryWriter& out, const FactorMatrix& m) {
  out.write<std::int64_t>(m.rows());
  out.write<std::int64_t>(m.cols());
  out.stream().write(reinterpret_cast<const char*>(m.data()),
                     static_cast<std::streamsize>(m.size() * sizeof(float)));
}

FactorMatrix read_factors(BinaryReader& in, std::string_view what, Eigen::Index rows, Eigen::Index cols) {
  const auto r = in.read<std::int64_t>(what);
  const auto c = in.read<std::int64_t>(what);
  if (r < 0 || c < 0 || (rows >= 0 && r != rows) || (cols >= 0 && c != cols)) {
    throw Error(Code::kCorrupt, "unexpected shape " + std::to_string(r) + " x " + std::to_string(c) + " of " +
                                    std::string(what));
  }
  if (c > 0) in.expect_left(static_cast<std::uint64_t>(r), static_cast<std::size_t>(c) * sizeof(float), what);
  FactorMatrix m(r, c);
  in.stream().read(reinterpret_cast<char*>(m.data()), static_cast<std::streamsize>(m.size() * sizeof(float)));
  if (in.stream().gcount() != static_cast<std::streamsize>(m.size() * sizeof(float))) {
    throw Error(Code::kCorrupt, "file ends early while reading " + std::string(what));
  }
  return m;
}

int resolve_threads(int threads) { return threads > 0 ? threads : omp_get_max_threads(); }

}  // namespace mxn::models

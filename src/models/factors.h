#pragma once
// Shared pieces of the matrix-factorisation models (ALS, BPR): the factor matrix type, deterministic
// initialisation and Gram matrix, cosine similar items, and
// (de)serialisation of factor matrices.

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

#include "core/binary_io.h"
#include "models/item_filter.h"
#include "models/recommender.h"

namespace mxn::models {

/// n x k, row-major: row r is the factor vector of user/item r (contiguous k floats).
using FactorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// rows x k with entries uniform in [-scale, scale), from Rng(seed, stream) row by row (thread-independent).
FactorMatrix random_factors(Eigen::Index rows, int k, float scale, std::uint64_t seed, std::uint64_t stream);

/// MᵀM + reg·I as a k x k row-major matrix. Summed over fixed chunks of rows in a fixed order, so the
/// result is bit-identical for any thread count.
FactorMatrix gram(const FactorMatrix& m, float reg, int threads);

/// Euclidean norm of every row.
std::vector<float> row_norms(const FactorMatrix& m);

/// The k items whose factor vectors have the highest cosine with `item`'s (never `item` itself; items
/// with a zero vector score 0). norms: row_norms(items).
std::vector<ScoredItem> similar_by_cosine(const FactorMatrix& items, std::span<const float> norms,
                                          ItemIndex item, std::size_t k);

void write_factors(BinaryWriter& out, const FactorMatrix& m);
/// Reads what write_factors wrote; the shape must be rows x cols when those are >= 0 (else Error{kCorrupt}).
FactorMatrix read_factors(BinaryReader& in, std::string_view what, Eigen::Index rows, Eigen::Index cols);

/// OpenMP thread count for FitOptions::threads (0 = all available).
int resolve_threads(int threads);

}  // namespace mxn::models

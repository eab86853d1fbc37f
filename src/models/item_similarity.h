#pragma once
// The item-item similarity kernel behind ItemKnn: for every item, its top-K most similar items under
// one of the measures of ItemKnnParams (see item_knn.h for the definitions).
//
// Each unordered pair is computed once: for item i, for each user u of i, the part of u's row after i
// is accumulated into a dense per-thread accumulator (acc[j] += v_ui * v_uj, j > i); then every pair
// (i, j) with a positive similarity is offered to the bounded top-K lists of both i and j (offers below a
// list's current K-th best are dropped early, 16 pairs at a time). The lists keep the K best by
// (similarity desc, index asc), so the result is the same for any thread count and processing order.
// Memory: per thread two floats and an int per item for the accumulators, and (while within
// NeighborOptions::private_lists_budget) a private set of lists of 2K candidates per item (16·K bytes
// per item); beyond the budget one shared set guarded by a spin lock per item.

#include <cstdint>
#include <vector>

#include "core/model_params.h"
#include "data/interaction_matrix.h"
#include "models/neighbor_lists.h"

namespace mxn::models {

/// How the kernel runs; the defaults suit production, tests use the knobs to reach every code path.
struct NeighborOptions {
  int threads = 0;                       // OpenMP threads (0 = all)
  std::size_t min_parallel_nnz = 20000;  // smaller matrices run on the calling thread
  std::size_t private_lists_budget =
      std::size_t{256} << 20;  // per-thread K-lists up to this many bytes, else one shared locked set
};

/// params must be valid (ItemKnnParams::validate).
NeighborLists item_neighbors(const data::InteractionMatrix& matrix, const ItemKnnParams& params,
                             const NeighborOptions& options = {});

}  // namespace mxn::models

#pragma once
// Maximal marginal relevance (Carbonell & Goldstein, 1998): picks k of n candidates one at a time, each time
// the candidate maximising
//     lambda * relevance[i] - (1 - lambda) * max_{j already picked} similarity(i, j)
// (the similarity term is 0 for the first pick). lambda = 1 is pure relevance order, lambda = 0 pure
// diversity. Ties go to the lower index, so candidates should be passed best first.

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace mxn::automation {

/// Indices into `relevance` in pick order, min(k, n) of them. relevance: one value per candidate, ideally in
/// [0, 1]; similarity(i, j): symmetric, ideally in [0, 1]; lambda in [0, 1].
std::vector<std::size_t> mmr_select(std::span<const double> relevance, std::size_t k, double lambda,
                                    const std::function<double(std::size_t, std::size_t)>& similarity);

}  // namespace mxn::automation

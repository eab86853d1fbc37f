#include "automation/mmr.h"

#include <algorithm>
#include <limits>

#include "core/error.h"

namespace mxn::automation {

std::vector<std::size_t> mmr_select(std::span<const double> relevance, std::size_t k, double lambda,
                                    const std::function<double(std::size_t, std::size_t)>& similarity) {
  MXN_CHECK(lambda >= 0.0 && lambda <= 1.0, "mmr lambda must be in [0, 1]");
  const std::size_t n = relevance.size();
  k = std::min(k, n);
  std::vector<std::size_t> picked;
  picked.reserve(k);
  std::vector<char> taken(n, 0);
  std::vector<double> max_similarity(n, 0.0);  // to anything picked so far
  while (picked.size() < k) {
    std::size_t best = n;
    double best_value = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) {
      if (taken[i]) continue;
      const double value = lambda * relevance[i] - (1.0 - lambda) * max_similarity[i];
      if (value > best_value) {
        best_value = value;
        best = i;
      }
    }
    MXN_CHECK(best < n, "mmr found no candidate");
    taken[best] = 1;
    picked.push_back(best);
    for (std::size_t i = 0; i < n; ++i) {
      if (!taken[i]) max_similarity[i] = std::max(max_similarity[i], similarity(i, best));
    }
  }
  return picked;
}

}  // namespace mxn::automation

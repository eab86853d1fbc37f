#include "engine/ensemble.h"

#include <algorithm>
#include <unordered_map>

namespace mxn::engine {

std::vector<BlendedItem> blend(const std::vector<ModelList>& lists, const config::EnsembleConfig& ensemble,
                               std::size_t k) {
  const bool rrf = ensemble.method == "rrf";
  double total_weight = 0;
  for (const auto& list : lists) {
    if (!list.items.empty()) total_weight += list.weight;
  }
  std::unordered_map<std::string, BlendedItem> merged;
  for (const auto& list : lists) {
    if (list.items.empty() || list.weight <= 0) continue;
    float lo = list.items.front().second, hi = lo;
    for (const auto& [id, s] : list.items) lo = std::min(lo, s), hi = std::max(hi, s);
    for (std::size_t rank = 0; rank < list.items.size(); ++rank) {
      const auto& [id, s] = list.items[rank];
      double part;
      if (rrf) {
        part = list.weight / (ensemble.rrf_k + static_cast<double>(rank + 1));
      } else {
        const double normalised = hi > lo ? (s - lo) / (hi - lo) : 1.0;
        part = list.weight * normalised / total_weight;
      }
      BlendedItem& b = merged[id];
      b.item_id = id;
      b.score += part;
      b.contributions[list.model] += part;
    }
  }
  std::vector<BlendedItem> out;
  out.reserve(merged.size());
  for (auto& [id, b] : merged) out.push_back(std::move(b));
  const std::size_t n = std::min(k, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(),
                    [](const BlendedItem& a, const BlendedItem& b) {
                      return a.score != b.score ? a.score > b.score : a.item_id < b.item_id;
                    });
  out.resize(n);
  return out;
}

}  // namespace mxn::engine

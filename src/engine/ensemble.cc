#include "engine/ensemble.h"

#include <algorithm>

namespace mxn::engine {

namespace {

/// One model's part of one item's score.
struct Part {
  ItemIndex item;
  double value;
  std::size_t list;  // index into the lists
};

}  // namespace

std::vector<BlendedItem> blend(const std::vector<ModelList>& lists, const config::EnsembleConfig& ensemble,
                               std::size_t k, const std::function<bool(ItemIndex, ItemIndex)>& id_less) {
  const bool rrf = ensemble.method == "rrf";
  double total_weight = 0;
  for (const auto& list : lists) {
    if (!list.items.empty()) total_weight += list.weight;
  }
  std::size_t n_parts = 0;
  for (const auto& list : lists) n_parts += list.items.size();
  std::vector<Part> parts;
  parts.reserve(n_parts);
  for (std::size_t l = 0; l < lists.size(); ++l) {
    const ModelList& list = lists[l];
    if (list.items.empty() || list.weight <= 0) continue;
    float lo = list.items.front().score, hi = lo;
    for (const auto& s : list.items) lo = std::min(lo, s.score), hi = std::max(hi, s.score);
    for (std::size_t rank = 0; rank < list.items.size(); ++rank) {
      const auto& s = list.items[rank];
      double value;
      if (rrf) {
        value = list.weight / (ensemble.rrf_k + static_cast<double>(rank + 1));
      } else {
        const double normalised = hi > lo ? (s.score - lo) / (hi - lo) : 1.0;
        value = list.weight * normalised / total_weight;
      }
      parts.push_back({s.item, value, l});
    }
  }
  // Parts of the same item side by side, then one entry per item: [begin, end) of its parts.
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.item < b.item; });
  struct Merged {
    ItemIndex item;
    double score;
    std::size_t begin, end;
  };
  std::vector<Merged> merged;
  merged.reserve(parts.size());
  for (std::size_t p = 0; p < parts.size();) {
    Merged m{parts[p].item, 0, p, p};
    for (; m.end < parts.size() && parts[m.end].item == m.item; ++m.end) m.score += parts[m.end].value;
    p = m.end;
    merged.push_back(m);
  }
  const std::size_t n = std::min(k, merged.size());
  std::partial_sort(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(n), merged.end(),
                    [&](const Merged& a, const Merged& b) {
                      return a.score != b.score ? a.score > b.score : id_less(a.item, b.item);
                    });
  std::vector<BlendedItem> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].item = merged[i].item;
    out[i].score = merged[i].score;
    for (std::size_t p = merged[i].begin; p < merged[i].end; ++p) {
      out[i].contributions[lists[parts[p].list].model] += parts[p].value;
    }
  }
  return out;
}

}  // namespace mxn::engine

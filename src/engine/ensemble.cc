#include "engine/ensemble.h"

#include <algorithm>
#include <cstdint>

namespace mxn::engine {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

/// One model's part of one item's score.
struct Part {
  ItemIndex item;
  double value;
  std::size_t list;          // index into the lists
  std::size_t next = kNone;  // the same item's next part
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
  // One entry per item, in the order first listed, with its parts chained; items are found through a
  // small open-addressing table (a sort of the parts by item cost more, mostly in mispredicted branches).
  struct Merged {
    ItemIndex item;
    double score;
    std::size_t first, last;  // its parts
  };
  std::vector<Merged> merged;
  merged.reserve(parts.size());
  int bits = 4;
  while ((std::size_t{1} << bits) < 2 * parts.size()) ++bits;
  const std::size_t slots = std::size_t{1} << bits;
  std::vector<std::size_t> table(slots, kNone);  // index into merged
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const ItemIndex item = parts[p].item;
    std::size_t h = (static_cast<std::uint32_t>(item) * 0x9E3779B1u) >> (32 - bits);  // Fibonacci hashing
    while (table[h] != kNone && merged[table[h]].item != item) h = (h + 1) & (slots - 1);
    if (table[h] == kNone) {
      table[h] = merged.size();
      merged.push_back({item, 0, p, p});
    } else {
      Merged& m = merged[table[h]];
      parts[m.last].next = p;
      m.last = p;
    }
    merged[table[h]].score += parts[p].value;
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
    for (std::size_t p = merged[i].first; p != kNone; p = parts[p].next) {
      out[i].contributions[lists[parts[p].list].model] += parts[p].value;
    }
  }
  return out;
}

}  // namespace mxn::engine

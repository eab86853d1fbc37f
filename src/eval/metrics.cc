#include "eval/metrics.h"

#include <algorithm>
#include <cmath>

namespace mxn::eval {

RankingMetrics ranking_metrics(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant,
                               std::size_t k) {
  RankingMetrics m;
  if (relevant.empty() || k == 0) return m;
  const std::size_t n = std::min(k, ranked.size());
  std::size_t hits = 0;
  double dcg = 0, ap = 0;
  for (std::size_t r = 0; r < n; ++r) {
    if (!std::binary_search(relevant.begin(), relevant.end(), ranked[r])) continue;
    ++hits;
    dcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
    ap += static_cast<double>(hits) / static_cast<double>(r + 1);
    if (hits == 1) m.reciprocal_rank = 1.0 / static_cast<double>(r + 1);
  }
  const std::size_t ideal = std::min(k, relevant.size());
  double idcg = 0;
  for (std::size_t r = 0; r < ideal; ++r) idcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
  m.precision = static_cast<double>(hits) / static_cast<double>(k);
  m.recall = static_cast<double>(hits) / static_cast<double>(relevant.size());
  m.ndcg = dcg / idcg;
  m.average_precision = ap / static_cast<double>(ideal);
  m.hit = hits > 0 ? 1.0 : 0.0;
  return m;
}

double precision_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant, std::size_t k) {
  return ranking_metrics(ranked, relevant, k).precision;
}
double recall_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant, std::size_t k) {
  return ranking_metrics(ranked, relevant, k).recall;
}
double ndcg_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant, std::size_t k) {
  return ranking_metrics(ranked, relevant, k).ndcg;
}
double average_precision_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant,
                              std::size_t k) {
  return ranking_metrics(ranked, relevant, k).average_precision;
}
double hit_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant, std::size_t k) {
  return ranking_metrics(ranked, relevant, k).hit;
}
double reciprocal_rank_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant,
                            std::size_t k) {
  return ranking_metrics(ranked, relevant, k).reciprocal_rank;
}

double catalog_coverage(const std::vector<std::vector<ItemIndex>>& lists, ItemIndex n_items) {
  if (n_items <= 0) return 0;
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(n_items), 0);
  std::size_t distinct = 0;
  for (const auto& list : lists) {
    for (auto item : list) {
      if (item < 0 || item >= n_items) continue;
      auto& s = seen[static_cast<std::size_t>(item)];
      if (!s) {
        s = 1;
        ++distinct;
      }
    }
  }
  return static_cast<double>(distinct) / static_cast<double>(n_items);
}

}  // namespace mxn::eval

#pragma once
// Ranking metrics at k for one user: `ranked` is a recommendation list (best first; only its first k
// entries count), `relevant` the user's held-out relevant items (sorted ascending, unique). Binary
// relevance. A user without relevant items scores 0 everywhere (callers leave such users out).
//   precision@k  hits / k
//   recall@k     hits / |relevant|
//   ndcg@k       Σ_{hit at rank r} 1/log2(r+1)  /  Σ_{r=1..min(k,|relevant|)} 1/log2(r+1)
//   ap@k         Σ_{hit at rank r} (hits within the first r)/r  /  min(k, |relevant|)   (MAP = mean ap)
//   hit@k        1 when any hit (hit rate = mean)
//   rr@k         1 / rank of the first hit, 0 when none (MRR = mean)

#include <cstddef>
#include <span>
#include <vector>

#include "core/id_map.h"

namespace mxn::eval {

struct RankingMetrics {
  double precision = 0;
  double recall = 0;
  double ndcg = 0;
  double average_precision = 0;
  double hit = 0;
  double reciprocal_rank = 0;
};

RankingMetrics ranking_metrics(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant,
                               std::size_t k);

double precision_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant, std::size_t k);
double recall_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant, std::size_t k);
double ndcg_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant, std::size_t k);
double average_precision_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant,
                              std::size_t k);
double hit_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant, std::size_t k);
double reciprocal_rank_at_k(std::span<const ItemIndex> ranked, std::span<const ItemIndex> relevant,
                            std::size_t k);

/// Share of the catalog (n_items) that appears in at least one list.
double catalog_coverage(const std::vector<std::vector<ItemIndex>>& lists, ItemIndex n_items);

}  // namespace mxn::eval

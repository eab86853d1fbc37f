#pragma once
// Top-k selection over model scores: the k best items, best first, ties broken by lower item index,
// skipping excluded items and NaN scores. Used by every model's recommend() and similar_items().

#include <cstddef>
#include <span>
#include <vector>

#include "models/item_filter.h"
#include "models/recommender.h"

namespace mxn::models {

/// The order of every ranked list: higher score first, ties by lower item index. A function object, so
/// that the selection and sort algorithms it is passed to inline it.
struct RanksBefore {
  bool operator()(const ScoredItem& a, const ScoredItem& b) const {
    return a.score > b.score || (a.score == b.score && a.item < b.item);
  }
};
inline constexpr RanksBefore ranks_before{};

/// scores: one per item (index = item). Excluded items are checked only when they would enter the result.
std::vector<ScoredItem> top_k(std::span<const float> scores, std::size_t k, const ItemFilter& exclude);

/// The r-th largest (r >= 1) of values, ties counted (the 2nd largest of {3, 3, 1} is 3), NaN ignored;
/// -infinity when fewer than r are not NaN.
float kth_largest(std::span<const float> values, std::size_t r);

/// Scores are pruned by the maxima of whole blocks of this many consecutive items.
inline constexpr std::size_t kScoreBlock = 16;

/// The maximum of each whole block of scores (scores.size() / kScoreBlock of them), NaN ignored.
std::vector<float> block_maxima(std::span<const float> scores);

/// Calls visit(i) for every index i with scores[i] >= bar (never for NaN), in index order, skipping whole
/// blocks whose maximum (maxima = block_maxima(scores)) is below the bar.
template <typename Visit>
void for_each_at_or_above(std::span<const float> scores, std::span<const float> maxima, float bar, Visit&& visit) {
  for (std::size_t b = 0; b < maxima.size(); ++b) {
    if (!(maxima[b] >= bar)) continue;
    for (std::size_t i = b * kScoreBlock; i < (b + 1) * kScoreBlock; ++i) {
      if (scores[i] >= bar) visit(i);
    }
  }
  for (std::size_t i = maxima.size() * kScoreBlock; i < scores.size(); ++i) {
    if (scores[i] >= bar) visit(i);
  }
}

/// The same over a subset: only `candidates` (distinct item indices) are considered, scored by
/// scores[item]. `skip` (optional, may be -1) is one more item to leave out.
std::vector<ScoredItem> top_k_of(std::span<const ItemIndex> candidates, std::span<const float> scores,
                                 std::size_t k, const ItemFilter& exclude, ItemIndex skip = -1);

}  // namespace mxn::models

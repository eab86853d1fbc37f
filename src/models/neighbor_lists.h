#pragma once
// NeighborLists: for every item, its most similar items with their similarities, best first, as one sparse
// n_items x K structure (item-KNN's collaborative neighbours, the embedding model's nearest items by text).
// NeighborScores turns a user's row into scores through them: score(j) = sum over the row's items q whose
// list holds j of weight(q) * similarity(q, j), the item-based scoring of both models.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/binary_io.h"
#include "core/id_map.h"
#include "data/sparse_row.h"

namespace mxn::models {

/// The neighbours of item i are items[ptr[i] .. ptr[i+1]), best first, with their similarities.
struct NeighborLists {
  std::vector<std::int64_t> ptr = {0};
  std::vector<ItemIndex> items;
  std::vector<float> similarities;

  /// Number of items that have a list (possibly empty).
  ItemIndex size() const { return static_cast<ItemIndex>(ptr.size() - 1); }
  /// Item i's neighbours and their similarities; i must be in [0, size()).
  std::span<const ItemIndex> items_of(ItemIndex i) const;
  std::span<const float> similarities_of(ItemIndex i) const;

  void save(BinaryWriter& out) const;
  /// Lists saved by save() for n_items items; Error{kCorrupt} naming `what` when they are inconsistent
  /// (offsets not ascending, a neighbour out of range, lengths that differ).
  static NeighborLists load(BinaryReader& in, ItemIndex n_items, std::string_view what);
};

/// Scratch space for scoring rows through neighbour lists (a dense score per item), reused: each
/// accumulate() clears only what the previous one touched. Borrow one with NeighborScores::borrow().
class NeighborScores {
 public:
  /// score(j) = sum of weight(q) * similarity(q, j) over the row items q (those below lists.size()) whose
  /// list holds j. Replaces the previous call's scores.
  void accumulate(const NeighborLists& lists, const data::SparseRow& row);
  /// Every item with a score, each once, in the order first reached.
  std::span<const ItemIndex> touched() const { return touched_; }
  /// Indexed by item (at least lists.size() entries); 0 where not touched.
  std::span<const float> scores() const { return scores_; }

 private:
  std::vector<float> scores_;
  std::vector<std::uint8_t> seen_;
  std::vector<ItemIndex> touched_;
};

/// Gives a borrowed NeighborScores back to the pool.
struct ReturnNeighborScores {
  void operator()(NeighborScores* scores) const;
};
using BorrowedNeighborScores = std::unique_ptr<NeighborScores, ReturnNeighborScores>;

/// Scratch from a process-wide pool, the most recently returned first: the few requests that run at once
/// (one per core) keep reusing scratch that is still in cache, which one scratch per server thread (dozens
/// of them, each used now and then) would not be. Thread-safe.
BorrowedNeighborScores borrow_neighbor_scores();

}  // namespace mxn::models

#pragma once
// NeighborLists: for every item, its most similar items with their similarities, best first, as one sparse
// n_items x K structure (item-KNN's collaborative neighbours, the embedding model's nearest items by text).
// top_k_by_neighbors() turns a user's row into scores through them: score(j) = sum over the row's items q
// whose list holds j of weight(q) * similarity(q, j), the item-based scoring of both models.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/binary_io.h"
#include "core/id_map.h"
#include "data/sparse_row.h"
#include "models/item_filter.h"
#include "models/recommender.h"

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
  /// The first (best) k of item i's neighbours with their similarities.
  std::vector<ScoredItem> first(ItemIndex i, std::size_t k) const;

  void save(BinaryWriter& out) const;
  /// Lists saved by save() for n_items items; Error{kCorrupt} naming `what` when they are inconsistent
  /// (offsets not ascending, a neighbour out of range, lengths that differ).
  static NeighborLists load(BinaryReader& in, ItemIndex n_items, std::string_view what);
};

/// The k items of highest positive score(j) = sum of weight(q) * similarity(q, j) over the row items q (those
/// below lists.size()) whose list holds j; best first (ties: lower index), never an item `exclude` excludes.
/// The dense per-item scratch comes from a process-wide pool, the most recently returned first: the few
/// requests running at once (one per core) keep reusing scratch that is still in cache, which one scratch per
/// server thread (dozens of them, each used now and then) would not be. Thread-safe.
std::vector<ScoredItem> top_k_by_neighbors(const NeighborLists& lists, const data::SparseRow& row, std::size_t k,
                                           const ItemFilter& exclude);

}  // namespace mxn::models

#pragma once
// Non-owning views of one row (a user's items) or one column (an item's users) of a sparse matrix.
// The viewed arrays are owned elsewhere (an InteractionMatrix, a RowBuffer, the caller's vectors) and
// must outlive the view. Indices are sorted ascending and unique; weights[k] belongs to indices[k].

#include <cstddef>
#include <span>

#include "core/id_map.h"

namespace mxn::data {

/// A user's row: the items they interacted with (sorted ascending, unique) and the aggregated weight of
/// each (implicit confidence, or a rating-derived value for explicit data; may be negative).
struct SparseRow {
  std::span<const ItemIndex> items;
  std::span<const float> weights;

  std::size_t size() const { return items.size(); }
  bool empty() const { return items.empty(); }
  /// True when `item` is in the row (binary search).
  bool contains(ItemIndex item) const;
  /// Throws Error{kInvalidArgument, field "row"} unless items and weights have the same length and the
  /// items are non-negative, sorted ascending and unique.
  void validate() const;
};

/// An item's column: the users who interacted with it (sorted ascending, unique) and their weights.
struct SparseColumn {
  std::span<const UserIndex> users;
  std::span<const float> weights;

  std::size_t size() const { return users.size(); }
  bool empty() const { return users.empty(); }
};

}  // namespace mxn::data

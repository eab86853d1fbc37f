#pragma once
// ItemFilter: the items a recommend() call must never return: a set of item indices (typically the user's
// seen items; kept sorted, and as a bitmap up to the largest for a constant-time test) plus an optional
// predicate (e.g. "not in stock", "not in this genre"). Models call excludes() only for items that would
// otherwise enter the result.
// The predicate is called from the thread running recommend(); it must be safe to call concurrently
// if the same filter is shared between threads.

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/id_map.h"
#include "data/sparse_row.h"

namespace mxn::models {

class ItemFilter {
 public:
  /// Excludes nothing.
  ItemFilter() = default;
  /// Excludes `items` (any order, repeats allowed).
  explicit ItemFilter(std::vector<ItemIndex> items);
  /// Excludes every item of `row` (the usual "never recommend what the user already has").
  static ItemFilter of_row(const data::SparseRow& row);

  /// Also excludes every item for which `predicate(item)` is true (replaces a previous predicate).
  ItemFilter& with_predicate(std::function<bool(ItemIndex)> predicate);

  bool excludes(ItemIndex item) const;
  /// The excluded indices, sorted ascending and unique (without the predicate's).
  std::span<const ItemIndex> items() const { return items_; }
  bool has_predicate() const { return static_cast<bool>(predicate_); }

 private:
  std::vector<ItemIndex> items_;
  std::vector<std::uint64_t> bits_;  // bit i set: item i is in items_
  std::function<bool(ItemIndex)> predicate_;
};

}  // namespace mxn::models

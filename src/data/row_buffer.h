#pragma once
// RowBuffer: an owning user row built from (item, weight) pairs in any order, for live rows that do not
// come from an InteractionMatrix (e.g. the tracker's current state of a user). Repeated items sum.

#include <utility>
#include <vector>

#include "data/sparse_row.h"

namespace mxn::data {

class RowBuffer {
 public:
  RowBuffer() = default;
  /// Sorts by item and sums the weights of repeated items. Negative item indices are an Error.
  explicit RowBuffer(std::vector<std::pair<ItemIndex, float>> entries);
  /// Copies a view.
  explicit RowBuffer(const SparseRow& row);

  /// Adds `weight` to `item` (inserting it in order when new).
  void add(ItemIndex item, float weight);
  /// Valid until the buffer is modified or destroyed.
  SparseRow view() const { return {items_, weights_}; }
  std::size_t size() const { return items_.size(); }
  const std::vector<ItemIndex>& items() const { return items_; }
  const std::vector<float>& weights() const { return weights_; }

 private:
  std::vector<ItemIndex> items_;
  std::vector<float> weights_;
};

}  // namespace mxn::data

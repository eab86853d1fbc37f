#include "data/row_buffer.h"

#include <algorithm>

#include "core/error.h"

namespace mxn::data {

RowBuffer::RowBuffer(std::vector<std::pair<ItemIndex, float>> entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  items_.reserve(entries.size());
  weights_.reserve(entries.size());
  for (const auto& [item, weight] : entries) {
    if (item < 0) throw Error(Code::kInvalidArgument, "item index must be >= 0", "row");
    if (!items_.empty() && items_.back() == item) {
      weights_.back() += weight;
    } else {
      items_.push_back(item);
      weights_.push_back(weight);
    }
  }
}

RowBuffer::RowBuffer(const SparseRow& row)
    : items_(row.items.begin(), row.items.end()), weights_(row.weights.begin(), row.weights.end()) {
  row.validate();
}

void RowBuffer::add(ItemIndex item, float weight) {
  if (item < 0) throw Error(Code::kInvalidArgument, "item index must be >= 0", "row");
  auto it = std::lower_bound(items_.begin(), items_.end(), item);
  const auto pos = it - items_.begin();
  if (it != items_.end() && *it == item) {
    weights_[static_cast<std::size_t>(pos)] += weight;
  } else {
    items_.insert(it, item);
    weights_.insert(weights_.begin() + pos, weight);
  }
}

}  // namespace mxn::data

#include "models/item_filter.h"

#include <algorithm>

namespace mxn::models {

ItemFilter::ItemFilter(std::vector<ItemIndex> items) : items_(std::move(items)) {
  std::sort(items_.begin(), items_.end());
  items_.erase(std::unique(items_.begin(), items_.end()), items_.end());
}

ItemFilter ItemFilter::of_row(const data::SparseRow& row) {
  return ItemFilter(std::vector<ItemIndex>(row.items.begin(), row.items.end()));
}

ItemFilter& ItemFilter::with_predicate(std::function<bool(ItemIndex)> predicate) {
  predicate_ = std::move(predicate);
  return *this;
}

bool ItemFilter::excludes(ItemIndex item) const {
  if (std::binary_search(items_.begin(), items_.end(), item)) return true;
  return predicate_ && predicate_(item);
}

}  // namespace mxn::models

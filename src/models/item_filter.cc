#include "models/item_filter.h"

#include <algorithm>

namespace mxn::models {

ItemFilter::ItemFilter(std::vector<ItemIndex> items) : items_(std::move(items)) {
  std::sort(items_.begin(), items_.end());
  items_.erase(std::unique(items_.begin(), items_.end()), items_.end());
  if (!items_.empty() && items_.back() >= 0) {
    bits_.assign(static_cast<std::size_t>(items_.back()) / 64 + 1, 0);
    for (ItemIndex i : items_) {
      if (i >= 0) bits_[static_cast<std::size_t>(i) / 64] |= std::uint64_t{1} << (i % 64);
    }
  }
}

ItemFilter ItemFilter::of_row(const data::SparseRow& row) {
  return ItemFilter(std::vector<ItemIndex>(row.items.begin(), row.items.end()));
}

ItemFilter& ItemFilter::with_predicate(std::function<bool(ItemIndex)> predicate) {
  predicate_ = std::move(predicate);
  return *this;
}

bool ItemFilter::excludes(ItemIndex item) const {
  if (item >= 0) {
    const auto word = static_cast<std::size_t>(item) / 64;
    if (word < bits_.size() && (bits_[word] >> (item % 64) & 1) != 0) return true;
  }
  return predicate_ && predicate_(item);
}

}  // namespace mxn::models

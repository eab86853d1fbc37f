#include "data/sparse_row.h"

#include <algorithm>

#include "core/error.h"

namespace mxn::data {

bool SparseRow::contains(ItemIndex item) const {
  return std::binary_search(items.begin(), items.end(), item);
}

void SparseRow::validate() const {
  if (items.size() != weights.size()) {
    throw Error(
        Code::kInvalidArgument,
        "has " + std::to_string(items.size()) + " items but " + std::to_string(weights.size()) + " weights",
        "row");
  }
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (items[k] < 0) throw Error(Code::kInvalidArgument, "item index must be >= 0", "row");
    if (k > 0 && items[k] <= items[k - 1]) {
      throw Error(Code::kInvalidArgument, "items must be sorted ascending and unique", "row");
    }
  }
}

}  // namespace mxn::data

#include "models/neighbor_lists.h"

#include <limits>
#include <memory>
#include <mutex>
#include <string>

#include "core/error.h"
#include "models/top_k.h"

namespace mxn::models {

std::span<const ItemIndex> NeighborLists::items_of(ItemIndex i) const {
  const auto b = static_cast<std::size_t>(ptr[static_cast<std::size_t>(i)]);
  const auto e = static_cast<std::size_t>(ptr[static_cast<std::size_t>(i) + 1]);
  return {items.data() + b, e - b};
}

std::span<const float> NeighborLists::similarities_of(ItemIndex i) const {
  const auto b = static_cast<std::size_t>(ptr[static_cast<std::size_t>(i)]);
  const auto e = static_cast<std::size_t>(ptr[static_cast<std::size_t>(i) + 1]);
  return {similarities.data() + b, e - b};
}

std::vector<ScoredItem> NeighborLists::first(ItemIndex i, std::size_t k) const {
  const auto neighbors = items_of(i);
  const auto sims = similarities_of(i);
  std::vector<ScoredItem> out(std::min(neighbors.size(), k));
  for (std::size_t q = 0; q < out.size(); ++q) out[q] = {neighbors[q], sims[q]};
  return out;
}

void NeighborLists::save(BinaryWriter& out) const {
  out.write_vector(ptr);
  out.write_vector(items);
  out.write_vector(similarities);
}

NeighborLists NeighborLists::load(BinaryReader& in, ItemIndex n_items, std::string_view what) {
  const std::string name(what);
  NeighborLists lists;
  lists.ptr = in.read_vector<std::int64_t>(name + " offsets");
  lists.items = in.read_vector<ItemIndex>(name + " neighbours");
  lists.similarities = in.read_vector<float>(name + " similarities");
  const auto& ptr = lists.ptr;
  bool ok = n_items >= 0 && ptr.size() == static_cast<std::size_t>(n_items) + 1 && ptr.front() == 0 &&
            ptr.back() == static_cast<std::int64_t>(lists.items.size()) &&
            lists.similarities.size() == lists.items.size();
  for (std::size_t i = 0; ok && i + 1 < ptr.size(); ++i) ok = ptr[i] <= ptr[i + 1];
  for (std::size_t q = 0; ok && q < lists.items.size(); ++q) ok = lists.items[q] >= 0 && lists.items[q] < n_items;
  if (!ok) throw Error(Code::kCorrupt, name + " neighbour lists are inconsistent");
  return lists;
}

namespace {

/// Scratch for scoring rows through neighbour lists: a dense score per item, reused from call to call.
class NeighborScores {
 public:
  /// The scores of `row` (see top_k_by_neighbors) for the lists' items, NaN where not positive (never
  /// recommended: top_k skips NaN, and a block of them does not lower its pruning bar); valid until the
  /// next call.
  std::span<const float> accumulate(const NeighborLists& lists, const data::SparseRow& row);

 private:
  std::vector<float> scores_;
};

std::span<const float> NeighborScores::accumulate(const NeighborLists& lists, const data::SparseRow& row) {
  // Dense, cleared whole: 4 bytes per item of memset cost less than tracking which items were reached.
  const auto n = static_cast<std::size_t>(lists.size());
  scores_.assign(n, 0.0f);
  float* scores = scores_.data();
  for (std::size_t q = 0; q < row.size() && row.items[q] < lists.size(); ++q) {
    const float w = row.weights[q];
    if (w == 0) continue;
    const auto items = lists.items_of(row.items[q]);
    const auto sims = lists.similarities_of(row.items[q]);
    for (std::size_t e = 0; e < items.size(); ++e) scores[items[e]] += w * sims[e];
  }
  constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
  for (std::size_t i = 0; i < n; ++i) scores[i] = scores[i] > 0 ? scores[i] : kNaN;
  return {scores, n};
}

std::mutex pool_mutex;
std::vector<std::unique_ptr<NeighborScores>> pool;  // returned scratch, most recent last

/// Gives borrowed scratch back to the pool.
struct ReturnToPool {
  void operator()(NeighborScores* scores) const {
    std::lock_guard lock(pool_mutex);
    pool.emplace_back(scores);
  }
};

std::unique_ptr<NeighborScores, ReturnToPool> borrow() {
  {
    std::lock_guard lock(pool_mutex);
    if (!pool.empty()) {
      std::unique_ptr<NeighborScores, ReturnToPool> scores(pool.back().release());
      pool.pop_back();
      return scores;
    }
  }
  return std::unique_ptr<NeighborScores, ReturnToPool>(new NeighborScores());
}

}  // namespace

std::vector<ScoredItem> top_k_by_neighbors(const NeighborLists& lists, const data::SparseRow& row, std::size_t k,
                                           const ItemFilter& exclude) {
  const auto reached = borrow();
  return top_k(reached->accumulate(lists, row), k, exclude);
}

}  // namespace mxn::models

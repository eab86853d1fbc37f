#include "models/neighbor_lists.h"

#include <mutex>
#include <string>

#include "core/error.h"

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

void NeighborScores::accumulate(const NeighborLists& lists, const data::SparseRow& row) {
  for (ItemIndex i : touched_) {
    scores_[static_cast<std::size_t>(i)] = 0;
    seen_[static_cast<std::size_t>(i)] = 0;
  }
  touched_.clear();
  const auto n = static_cast<std::size_t>(lists.size());
  if (scores_.size() < n) {
    scores_.resize(n, 0.0f);
    seen_.resize(n, 0);
  }
  float* scores = scores_.data();  // plain pointers: push_back below must not make the loop reload them
  std::uint8_t* seen = seen_.data();
  for (std::size_t q = 0; q < row.size() && row.items[q] < lists.size(); ++q) {
    const float w = row.weights[q];
    if (w == 0) continue;
    const auto items = lists.items_of(row.items[q]);
    const auto sims = lists.similarities_of(row.items[q]);
    for (std::size_t e = 0; e < items.size(); ++e) {
      const auto j = static_cast<std::size_t>(items[e]);
      scores[j] += w * sims[e];
      if (!seen[j]) {
        seen[j] = 1;
        touched_.push_back(items[e]);
      }
    }
  }
}

namespace {

std::mutex pool_mutex;
std::vector<std::unique_ptr<NeighborScores>> pool;  // returned scratch, most recent last

}  // namespace

void ReturnNeighborScores::operator()(NeighborScores* scores) const {
  std::lock_guard lock(pool_mutex);
  pool.emplace_back(scores);
}

BorrowedNeighborScores borrow_neighbor_scores() {
  {
    std::lock_guard lock(pool_mutex);
    if (!pool.empty()) {
      BorrowedNeighborScores scores(pool.back().release());
      pool.pop_back();
      return scores;
    }
  }
  return BorrowedNeighborScores(new NeighborScores());
}

}  // namespace mxn::models

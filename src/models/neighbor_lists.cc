#include "models/neighbor_lists.h"

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

/// Scratch for scoring rows through neighbour lists (a dense score per item), reused: each accumulate()
/// clears only what the previous one touched.
class NeighborScores {
 public:
  /// The scores of `row` (see top_k_by_neighbors), replacing the previous call's.
  void accumulate(const NeighborLists& lists, const data::SparseRow& row);
  /// Every item with a score, each once, in the order first reached.
  std::span<const ItemIndex> touched() const { return {touched_.data(), n_touched_}; }
  /// Indexed by item (at least lists.size() entries); 0 where not touched.
  std::span<const float> scores() const { return scores_; }

 private:
  std::vector<float> scores_;
  std::vector<std::uint8_t> seen_;
  std::vector<ItemIndex> touched_;  // the first n_touched_ entries; the rest is room
  std::size_t n_touched_ = 0;
};

void NeighborScores::accumulate(const NeighborLists& lists, const data::SparseRow& row) {
  for (ItemIndex i : touched()) {
    scores_[static_cast<std::size_t>(i)] = 0;
    seen_[static_cast<std::size_t>(i)] = 0;
  }
  const auto n = static_cast<std::size_t>(lists.size());
  if (scores_.size() < n) {
    scores_.resize(n, 0.0f);
    seen_.resize(n, 0);
  }
  // Without a branch on "seen before": every reached item is written after the touched ones, and the end
  // moves on only for a first visit. So touched_ needs room for every list entry read, or n + 1.
  std::size_t reach = 0;
  for (std::size_t q = 0; q < row.size() && row.items[q] < lists.size(); ++q) reach += lists.items_of(row.items[q]).size();
  if (touched_.size() < std::min(reach, n + 1)) touched_.resize(std::min(reach, n + 1));
  float* scores = scores_.data();  // plain pointers, which the loop keeps in registers
  std::uint8_t* seen = seen_.data();
  ItemIndex* touched = touched_.data();
  std::size_t n_touched = 0;
  for (std::size_t q = 0; q < row.size() && row.items[q] < lists.size(); ++q) {
    const float w = row.weights[q];
    if (w == 0) continue;
    const auto items = lists.items_of(row.items[q]);
    const auto sims = lists.similarities_of(row.items[q]);
    for (std::size_t e = 0; e < items.size(); ++e) {
      const ItemIndex j = items[e];
      scores[j] += w * sims[e];
      touched[n_touched] = j;
      n_touched += seen[j] ^ 1;
      seen[j] = 1;
    }
  }
  n_touched_ = n_touched;
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
  reached->accumulate(lists, row);
  std::vector<ItemIndex> positive;
  for (ItemIndex i : reached->touched()) {
    if (reached->scores()[static_cast<std::size_t>(i)] > 0) positive.push_back(i);
  }
  return top_k_of(positive, reached->scores(), k, exclude);
}

}  // namespace mxn::models

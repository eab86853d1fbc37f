#include "models/top_k.h"

#include <algorithm>
#include <cmath>

namespace mxn::models {

namespace {

/// a ranks before b.
inline bool better(const ScoredItem& a, const ScoredItem& b) {
  return a.score > b.score || (a.score == b.score && a.item < b.item);
}

/// Keeps the k best seen so far in a heap whose top is the worst of them.
class Selector {
 public:
  Selector(std::size_t k, const ItemFilter& exclude, std::size_t expected) : k_(k), exclude_(exclude) {
    heap_.reserve(std::min(k, expected));
  }
  void offer(ItemIndex item, float score) {
    if (std::isnan(score)) return;
    const ScoredItem candidate{item, score};
    if (heap_.size() == k_ && !better(candidate, heap_.front())) return;
    if (exclude_.excludes(item)) return;
    if (heap_.size() == k_) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = candidate;
    } else {
      heap_.push_back(candidate);
    }
    std::push_heap(heap_.begin(), heap_.end(), better);
  }
  std::vector<ScoredItem> take() {
    std::sort_heap(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  const ItemFilter& exclude_;
  std::vector<ScoredItem> heap_;
};

}  // namespace

std::vector<ScoredItem> top_k(std::span<const float> scores, std::size_t k, const ItemFilter& exclude) {
  if (k == 0) return {};
  Selector selector(k, exclude, scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) selector.offer(static_cast<ItemIndex>(i), scores[i]);
  return selector.take();
}

std::vector<ScoredItem> top_k_of(std::span<const ItemIndex> candidates, std::span<const float> scores,
                                 std::size_t k, const ItemFilter& exclude, ItemIndex skip) {
  if (k == 0) return {};
  Selector selector(k, exclude, candidates.size());
  for (auto item : candidates) {
    if (item != skip) selector.offer(item, scores[static_cast<std::size_t>(item)]);
  }
  return selector.take();
}

}  // namespace mxn::models

#include "models/top_k.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/error.h"

namespace mxn::models {

namespace {

/// Keeps the k best offered so far. Items that would enter are collected in a buffer of up to 2k; when it
/// is full, a selection (nth_element) keeps the k best and their worst becomes the bar a new item must
/// pass. Linear in the number of offers whatever their order, and an offer below the bar costs one compare.
class Selector {
 public:
  Selector(std::size_t k, const ItemFilter& exclude, std::size_t expected) : k_(k), exclude_(exclude) {
    kept_.reserve(std::min(2 * k, expected));
  }
  void offer(ItemIndex item, float score) {
    if (std::isnan(score)) return;
    const ScoredItem candidate{item, score};
    if (bounded_ && !ranks_before(candidate, bar_)) return;
    if (exclude_.excludes(item)) return;
    kept_.push_back(candidate);
    if (kept_.size() == 2 * k_) keep_best();
  }
  std::vector<ScoredItem> take() {
    if (kept_.size() > k_) keep_best();
    std::sort(kept_.begin(), kept_.end(), ranks_before);
    return std::move(kept_);
  }

 private:
  void keep_best() {
    std::nth_element(kept_.begin(), kept_.begin() + static_cast<std::ptrdiff_t>(k_ - 1), kept_.end(), ranks_before);
    kept_.resize(k_);
    bar_ = kept_.back();
    bounded_ = true;
  }

  std::size_t k_;
  const ItemFilter& exclude_;
  std::vector<ScoredItem> kept_;
  bool bounded_ = false;  // once true, nothing that ranks after bar_ can enter
  ScoredItem bar_;
};

/// An order-preserving map of floats to integers (a < b exactly when key(a) < key(b), with −0 below +0),
/// NaN mapped to the lowest key.
std::int32_t order_key(float x) {
  std::int32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return x == x ? bits ^ ((bits >> 31) & 0x7fffffff) : std::numeric_limits<std::int32_t>::min();
}

float from_order_key(std::int32_t key) {
  const std::int32_t bits = key ^ ((key >> 31) & 0x7fffffff);
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

}  // namespace

// A bisection over the 32-bit keys whose every step counts the values at or above the middle: no
// data-dependent branch, so it costs the same on any order (std::nth_element mispredicts about every other
// comparison; a radix selection by bytes measured slower, its counts depending on each other).
float kth_largest(std::span<const float> values, std::size_t r) {
  MXN_CHECK(r >= 1, "kth_largest counts from 1");
  std::vector<std::int32_t> keys(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) keys[i] = order_key(values[i]);
  std::int64_t lo = std::numeric_limits<std::int32_t>::min();  // count(keys >= lo) >= r, when that can hold
  std::int64_t hi = std::int64_t{std::numeric_limits<std::int32_t>::max()} + 1;  // count(keys >= hi) < r
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    const auto bar = static_cast<std::int32_t>(mid);
    std::size_t at_or_above = 0;
    for (std::int32_t key : keys) at_or_above += key >= bar ? 1 : 0;
    (at_or_above >= r ? lo : hi) = mid;
  }
  const auto key = static_cast<std::int32_t>(lo);
  return key == std::numeric_limits<std::int32_t>::min() ? -std::numeric_limits<float>::infinity()
                                                          : from_order_key(key);
}

std::vector<float> block_maxima(std::span<const float> scores) {
  constexpr float kLowest = -std::numeric_limits<float>::infinity();
  std::vector<float> maxima(scores.size() / kScoreBlock);
  for (std::size_t b = 0; b < maxima.size(); ++b) {
    float m = kLowest;
#pragma omp simd reduction(max : m)
    for (std::size_t j = b * kScoreBlock; j < (b + 1) * kScoreBlock; ++j) {
      const float v = scores[j];
      m = std::max(m, v == v ? v : kLowest);  // NaN: ignored
    }
    maxima[b] = m;
  }
  return maxima;
}

std::vector<ScoredItem> top_k(std::span<const float> scores, std::size_t k, const ItemFilter& exclude) {
  if (k == 0) return {};
  const std::size_t blocks = scores.size() / kScoreBlock;
  const std::size_t listed = exclude.items().size();
  // Block-maximum pruning. With m the (k + listed exclusions)-th largest block maximum, at least that many
  // items score >= m, so at least k of them are not excluded, and no item below m is in the result: the
  // items >= m (from the blocks whose maximum reaches m) are all the candidates. (A predicate may exclude
  // any number of items, so with one every item is offered to the selector.)
  if (exclude.has_predicate() || blocks <= k + listed) {
    Selector selector(k, exclude, scores.size());
    for (std::size_t i = 0; i < scores.size(); ++i) selector.offer(static_cast<ItemIndex>(i), scores[i]);
    return selector.take();
  }
  const auto maxima = block_maxima(scores);
  const float bar = kth_largest(maxima, k + listed);
  std::vector<ScoredItem> best;  // in index order
  for_each_at_or_above(scores, maxima, bar, [&](std::size_t i) {
    if (!exclude.excludes(static_cast<ItemIndex>(i))) best.push_back({static_cast<ItemIndex>(i), scores[i]});
  });
  if (best.size() > k) {
    // The k best: every item above the k-th best score, then the ones equal to it by lower index.
    std::vector<float> values(best.size());
    for (std::size_t i = 0; i < best.size(); ++i) values[i] = best[i].score;
    const float kth = kth_largest(values, k);
    std::size_t ties = k;
    for (const auto& s : best) ties -= s.score > kth ? 1 : 0;
    std::size_t kept = 0;
    for (const auto& s : best) {
      const bool tie = s.score == kth && ties > 0;
      if (s.score > kth || tie) best[kept++] = s;
      ties -= tie ? 1 : 0;
    }
    best.resize(kept);
  }
  std::sort(best.begin(), best.end(), ranks_before);
  return best;
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

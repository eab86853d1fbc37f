#include "models/item_similarity.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <span>

#include "data/rng.h"
#include "models/factors.h"

namespace mxn::models {

namespace {

enum class Measure { kCosine, kBm25, kJaccard, kEuclidean };

Measure measure_of(const std::string& name) {
  if (name == "bm25") return Measure::kBm25;
  if (name == "jaccard") return Measure::kJaccard;
  if (name == "euclidean") return Measure::kEuclidean;
  return Measure::kCosine;
}

struct Candidate {
  ItemIndex item;
  float sim;
};

/// a ranks before b: higher similarity, then lower index.
inline bool better(const Candidate& a, const Candidate& b) {
  return a.sim > b.sim || (a.sim == b.sim && a.item < b.item);
}

/// One entry of a user's row as the kernel reads it: the item and the value the measure works on.
struct Entry {
  ItemIndex item;
  float value;
};

struct Prepared {
  std::vector<Entry> entries;         // CSR order; cosine/bm25 values already divided by the item norm
  std::vector<std::int32_t> col_pos;  // CSC order: position of the (user, item) entry within the user's row
  std::vector<float> item_sq;         // |column|² of the values (jaccard: number of users)
  std::vector<std::int64_t> work;     // per item: entries after it in its users' rows (pairs it computes)
};

inline float bm25(float w, float len_norm, float k1, float idf) {
  const float a = std::fabs(w);
  const float v = a * (k1 + 1.0f) / (len_norm + a) * idf;
  return w < 0 ? -v : v;
}

/// Similarity of a pair from its accumulated dot product `dot` and common-user count `n` (counted only
/// when shrinkage or euclidean needs it). sq_*: the items' |column|² (jaccard: user counts).
inline float similarity(Measure measure, float dot, float n, float sq_i, float sq_j, float shrink) {
  float sim = dot;  // cosine and bm25: the values are already normalised
  if (measure == Measure::kJaccard) {
    const float uni = sq_i + sq_j - dot;
    sim = uni > 0 ? dot / uni : 0.0f;
  } else if (measure == Measure::kEuclidean) {
    sim = 1.0f / (1.0f + std::sqrt(std::max(0.0f, sq_i + sq_j - 2.0f * dot)));
  }
  if (shrink > 0) {
    const float common = measure == Measure::kJaccard ? dot : n;
    sim *= common / (common + shrink);
  }
  return sim;
}

Prepared prepare(const data::InteractionMatrix& m, Measure measure, const ItemKnnParams& params) {
  Prepared p;
  const auto n_users = static_cast<std::size_t>(m.n_users());
  const auto n_items = static_cast<std::size_t>(m.n_items());
  const auto& ptr = m.row_ptr();
  const auto& items = m.row_items();
  const auto& w = m.row_weights();
  p.entries.resize(m.nnz());
  std::vector<float> idf, len_norm;
  if (measure == Measure::kBm25) {
    // Items are the documents, users the terms (as in the usual BM25 weighting of item-user matrices).
    idf.resize(n_users);
    for (std::size_t u = 0; u < n_users; ++u) {
      const double n_u = static_cast<double>(ptr[u + 1] - ptr[u]);
      idf[u] = static_cast<float>(std::max(0.0, std::log(static_cast<double>(n_items)) - std::log1p(n_u)));
    }
    std::vector<double> len(n_items, 0.0);
    for (std::size_t e = 0; e < m.nnz(); ++e) len[static_cast<std::size_t>(items[e])] += std::fabs(w[e]);
    double avg = 0;
    for (double l : len) avg += l;
    avg = n_items > 0 ? avg / static_cast<double>(n_items) : 0.0;
    len_norm.resize(n_items);
    for (std::size_t i = 0; i < n_items; ++i) {
      len_norm[i] = static_cast<float>(
          params.bm25_k1 * ((1.0 - params.bm25_b) + (avg > 0 ? params.bm25_b * len[i] / avg : 0.0)));
    }
  }
  const auto k1 = static_cast<float>(params.bm25_k1);
  std::vector<double> sq(n_items, 0.0);
  for (std::size_t u = 0; u < n_users; ++u) {
    for (auto e = static_cast<std::size_t>(ptr[u]); e < static_cast<std::size_t>(ptr[u + 1]); ++e) {
      const auto i = static_cast<std::size_t>(items[e]);
      float v = w[e];
      if (measure == Measure::kBm25) v = bm25(w[e], len_norm[i], k1, idf[u]);
      if (measure == Measure::kJaccard) v = w[e] != 0 ? 1.0f : 0.0f;
      p.entries[e] = {items[e], v};
      sq[i] += static_cast<double>(v) * v;
    }
  }
  if (measure == Measure::kCosine || measure == Measure::kBm25) {
    std::vector<float> scale(n_items);
    for (std::size_t i = 0; i < n_items; ++i)
      scale[i] = sq[i] > 0 ? static_cast<float>(1.0 / std::sqrt(sq[i])) : 0.0f;
    for (auto& e : p.entries) e.value *= scale[static_cast<std::size_t>(e.item)];
  }
  p.item_sq.assign(sq.begin(), sq.end());
  // Position of each CSC entry inside its user's row (the CSC lists users in CSR order).
  p.col_pos.resize(m.nnz());
  p.work.assign(n_items, 0);
  std::vector<std::int64_t> next(m.col_ptr().begin(), m.col_ptr().end() - 1);
  for (std::size_t u = 0; u < n_users; ++u) {
    for (auto e = ptr[u]; e < ptr[u + 1]; ++e) {
      p.work[static_cast<std::size_t>(items[static_cast<std::size_t>(e)])] += ptr[u + 1] - e - 1;
      p.col_pos[static_cast<std::size_t>(
          next[static_cast<std::size_t>(items[static_cast<std::size_t>(e)])]++)] =
          static_cast<std::int32_t>(e - ptr[u]);
    }
  }
  return p;
}

/// Bounded top-K lists of every item. Each list is a buffer of 2K candidates cut back to its best K
/// (nth_element) when full, so an accepted offer costs O(1) amortised; once a list has been cut, offers
/// below its K-th best similarity (its floor) are dropped. A table is either private to one thread
/// (its floors may be read directly to reject offers early), or shared by all threads (every access
/// to an item's list under that item's spin lock).
class TopKTable {
 public:
  TopKTable(std::size_t n_items, std::size_t k, bool shared)
      : k_(k),
        shared_(shared),
        buffers_(n_items * 2 * k),
        sizes_(n_items, 0),
        floors_(n_items, -std::numeric_limits<float>::infinity()),
        locks_(shared ? n_items : 0) {}

  void offer(ItemIndex owner, const Candidate* candidates, std::size_t n) {
    const auto o = static_cast<std::size_t>(owner);
    if (shared_) {
      while (locks_[o].test_and_set(std::memory_order_acquire)) {
      }
    }
    Candidate* buffer = buffers_.data() + o * 2 * k_;
    auto& size = sizes_[o];
    for (std::size_t q = 0; q < n; ++q) {
      if (candidates[q].sim < floors_[o]) continue;
      buffer[size++] = candidates[q];
      if (size == 2 * k_) {
        std::nth_element(buffer, buffer + (k_ - 1), buffer + size, better);
        size = k_;
        floors_[o] = buffer[k_ - 1].sim;
      }
    }
    if (shared_) locks_[o].clear(std::memory_order_release);
  }
  void offer(ItemIndex owner, ItemIndex other, float sim) {
    const Candidate c{other, sim};
    offer(owner, &c, 1);
  }

  /// Floors of every list for early rejection; null for a shared table (read only under the locks).
  const float* floors() const { return shared_ ? nullptr : floors_.data(); }
  /// Prefetches where the next offer to `owner` will be written (`stage` 0: its size, 1: its slot).
  void prefetch(ItemIndex owner, int stage) const {
    if (shared_) return;
    const auto o = static_cast<std::size_t>(owner);
    if (stage == 0) {
      __builtin_prefetch(&sizes_[o], 1);
    } else {
      __builtin_prefetch(buffers_.data() + o * 2 * k_ + sizes_[o], 1);
    }
  }

  /// Item i's candidates (at most 2K, unordered). Only once no thread offers any more.
  std::span<Candidate> candidates(std::size_t i) { return {buffers_.data() + i * 2 * k_, sizes_[i]}; }

 private:
  std::size_t k_;
  bool shared_;
  std::vector<Candidate> buffers_;  // 2K per item
  std::vector<std::size_t> sizes_;
  std::vector<float> floors_;            // K-th best similarity after the last cut (-inf before)
  std::vector<std::atomic_flag> locks_;  // shared tables only
};

/// The best K of every item over all tables, best first.
NeighborLists merge(std::vector<std::unique_ptr<TopKTable>>& tables, std::size_t n_items, std::size_t k) {
  NeighborLists out;
  out.ptr.assign(n_items + 1, 0);
  std::vector<Candidate> all;
  for (std::size_t i = 0; i < n_items; ++i) {
    all.clear();
    for (auto& t : tables) {
      const auto c = t->candidates(i);
      all.insert(all.end(), c.begin(), c.end());
    }
    const std::size_t kept = std::min(all.size(), k);
    if (kept < all.size())
      std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(kept - 1), all.end(), better);
    std::sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(kept), better);
    for (std::size_t q = 0; q < kept; ++q) {
      out.items.push_back(all[q].item);
      out.similarities.push_back(all[q].sim);
    }
    out.ptr[i + 1] = static_cast<std::int64_t>(out.items.size());
  }
  return out;
}

constexpr std::size_t kPrefetchUsers = 4;

}  // namespace

NeighborLists item_neighbors(const data::InteractionMatrix& m, const ItemKnnParams& params,
                             const NeighborOptions& options) {
  const auto n_items = static_cast<std::size_t>(m.n_items());
  const std::size_t max_k =
      n_items > 0 ? std::min<std::size_t>(static_cast<std::size_t>(params.neighbors), n_items - 1) : 0;
  NeighborLists empty;
  empty.ptr.assign(n_items + 1, 0);
  if (max_k == 0) return empty;

  const Measure measure = measure_of(params.similarity);
  const Prepared prep = prepare(m, measure, params);
  const bool need_count = params.shrinkage > 0 || measure == Measure::kEuclidean;
  const auto shrink = static_cast<float>(params.shrinkage);
  const auto& row_ptr = m.row_ptr();
  const auto& col_ptr = m.col_ptr();
  const auto& col_users = m.col_users();
  const Entry* entries = prep.entries.data();
  // Items are processed in a fixed shuffled order: the offers a list receives then come in random order
  // of similarity, so few pass its threshold (index order correlates with popularity and would feed
  // lists rising similarities). The result does not depend on the order.
  std::vector<ItemIndex> order(n_items);
  std::iota(order.begin(), order.end(), 0);
  data::Rng rng(0x6b6e6e);
  for (std::size_t q = n_items; q > 1; --q)
    std::swap(order[q - 1], order[rng.below(static_cast<std::uint32_t>(q))]);
  const int team = m.nnz() >= options.min_parallel_nnz ? resolve_threads(options.threads) : 1;
  const bool private_tables = static_cast<std::size_t>(team) * n_items * 2 * max_k * sizeof(Candidate) <=
                              options.private_lists_budget;
  std::vector<std::unique_ptr<TopKTable>> tables;
  for (int t = 0; t < (private_tables ? team : 1); ++t)
    tables.push_back(std::make_unique<TopKTable>(n_items, max_k, !private_tables));

#pragma omp parallel num_threads(team)
  {
    TopKTable& lists = *tables[private_tables ? static_cast<std::size_t>(omp_get_thread_num()) : 0];
    std::vector<float> acc(n_items, 0.0f);
    std::vector<float> count(n_items, 0.0f);  // stays zero unless counts are needed
    const std::vector<float> no_floors(lists.floors() ? 0 : n_items, -std::numeric_limits<float>::infinity());
    const float* floors = lists.floors() ? lists.floors() : no_floors.data();
    std::vector<std::int32_t> mark(n_items, -1);
    std::vector<ItemIndex> touched;
    std::vector<Candidate> found, reverse;
#pragma omp for schedule(dynamic, 8)
    for (std::int64_t step = 0; step < static_cast<std::int64_t>(n_items); ++step) {
      const auto i = static_cast<std::size_t>(order[static_cast<std::size_t>(step)]);
      const auto cb = static_cast<std::size_t>(col_ptr[i]);
      const auto ce = static_cast<std::size_t>(col_ptr[i + 1]);
      if (cb == ce) continue;
      const auto work = static_cast<std::size_t>(prep.work[i]);
      if (work == 0) continue;
      // Cheap items track what they touch; costly ones scan the accumulator afterwards.
      const bool track = work < (n_items - i) / 4;
      touched.clear();
      for (auto c = cb; c < ce; ++c) {
        if (c + 2 * kPrefetchUsers < ce)
          __builtin_prefetch(&row_ptr[static_cast<std::size_t>(col_users[c + 2 * kPrefetchUsers])]);
        if (c + kPrefetchUsers < ce) {
          const auto un = static_cast<std::size_t>(col_users[c + kPrefetchUsers]);
          const char* next =
              reinterpret_cast<const char*>(entries + row_ptr[un] + prep.col_pos[c + kPrefetchUsers]);
          __builtin_prefetch(next);
          __builtin_prefetch(next + 64);
          __builtin_prefetch(next + 128);
        }
        const auto u = static_cast<std::size_t>(col_users[c]);
        const Entry* self = entries + row_ptr[u] + prep.col_pos[c];
        const Entry* end = entries + row_ptr[u + 1];
        const float a = self->value;
        if (track) {
          for (const Entry* e = self + 1; e < end; ++e) {
            const auto j = static_cast<std::size_t>(e->item);
            if (mark[j] != static_cast<std::int32_t>(i)) {
              mark[j] = static_cast<std::int32_t>(i);
              touched.push_back(e->item);
            }
            acc[j] += a * e->value;
            if (need_count) count[j] += 1.0f;
          }
        } else if (need_count) {
          for (const Entry* e = self + 1; e < end; ++e) {
            acc[static_cast<std::size_t>(e->item)] += a * e->value;
            count[static_cast<std::size_t>(e->item)] += 1.0f;
          }
        } else {
          for (const Entry* e = self + 1; e < end; ++e)
            acc[static_cast<std::size_t>(e->item)] += a * e->value;
        }
      }
      // Similarities of the pairs (i, j > i) met: i's candidates go to `found` (if above i's floor),
      // i as a candidate of j to `reverse` (if above j's floor); accumulators are reset as they are read.
      found.clear();
      reverse.clear();
      const float owner_floor = floors[i];
      const float sq_i = prep.item_sq[i];
      const float* sq = prep.item_sq.data();
      float* av = acc.data();
      float* cv = count.data();
      const auto take = [&](std::size_t j, float sim) {
        if (!(sim > 0)) return;
        if (sim >= owner_floor) found.push_back({static_cast<ItemIndex>(j), sim});
        if (sim >= floors[j]) reverse.push_back({static_cast<ItemIndex>(j), sim});
      };
      const auto one = [&](std::size_t j) {
        const float dot = av[j], n = cv[j];
        if (dot == 0 && n == 0) return;
        av[j] = 0;
        cv[j] = 0;
        take(j, similarity(measure, dot, n, sq_i, sq[j], shrink));
      };
      if (track) {
        for (auto jj : touched) one(static_cast<std::size_t>(jj));
      } else {
        // Dense scan of j > i, 16 at a time: similarities and both floor tests vectorise, and only
        // pairs that pass a floor are handled one by one.
        constexpr std::size_t kBlock = 16;
        std::size_t j = i + 1;
        for (; j < n_items && j % kBlock != 0; ++j) one(j);
        for (; j + kBlock <= n_items; j += kBlock) {
          std::uint32_t met = 0;
          if (need_count) {
#pragma omp simd reduction(| : met)
            for (std::size_t q = 0; q < kBlock; ++q) met |= (av[j + q] != 0 || cv[j + q] != 0) ? 1u : 0u;
          } else {
#pragma omp simd reduction(| : met)
            for (std::size_t q = 0; q < kBlock; ++q) met |= av[j + q] != 0 ? 1u : 0u;
          }
          if (!met) continue;
          float sims[kBlock];
#pragma omp simd
          for (std::size_t q = 0; q < kBlock; ++q) {
            const float dot = av[j + q], n = cv[j + q];
            sims[q] = (dot != 0 || n != 0) ? similarity(measure, dot, n, sq_i, sq[j + q], shrink) : 0.0f;
          }
          std::uint32_t to_owner = 0, to_other = 0;
#pragma omp simd reduction(| : to_owner, to_other)
          for (std::size_t q = 0; q < kBlock; ++q) {
            av[j + q] = 0;
            if (need_count) cv[j + q] = 0;
            const bool positive = sims[q] > 0;
            to_owner |= static_cast<std::uint32_t>(positive && sims[q] >= owner_floor) << q;
            to_other |= static_cast<std::uint32_t>(positive && sims[q] >= floors[j + q]) << q;
          }
          for (; to_owner; to_owner &= to_owner - 1) {
            const auto q = static_cast<std::size_t>(__builtin_ctz(to_owner));
            found.push_back({static_cast<ItemIndex>(j + q), sims[q]});
          }
          for (; to_other; to_other &= to_other - 1) {
            const auto q = static_cast<std::size_t>(__builtin_ctz(to_other));
            reverse.push_back({static_cast<ItemIndex>(j + q), sims[q]});
          }
        }
        for (; j < n_items; ++j) one(j);
      }
      // i as a candidate of each j: the lists are scattered in memory, so their slots are prefetched
      // a few offers ahead.
      constexpr std::size_t kAhead = 8;
      for (std::size_t q = 0; q < reverse.size(); ++q) {
        if (q + 2 * kAhead < reverse.size()) lists.prefetch(reverse[q + 2 * kAhead].item, 0);
        if (q + kAhead < reverse.size()) lists.prefetch(reverse[q + kAhead].item, 1);
        lists.offer(reverse[q].item, static_cast<ItemIndex>(i), reverse[q].sim);
      }
      lists.offer(static_cast<ItemIndex>(i), found.data(), found.size());
    }
  }
  return merge(tables, n_items, max_k);
}

}  // namespace mxn::models

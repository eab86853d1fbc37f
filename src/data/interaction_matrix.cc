#include "data/interaction_matrix.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/error.h"

namespace mxn::data {

namespace {

int thread_count(int threads) { return threads > 0 ? threads : omp_get_max_threads(); }

std::string triplet_field(std::size_t k, const char* key) {
  return "triplets[" + std::to_string(k) + "]." + key;
}

void check_shape(UserIndex n_users, ItemIndex n_items) {
  if (n_users < 0) throw Error(Code::kInvalidArgument, "must be >= 0", "n_users");
  if (n_items < 0) throw Error(Code::kInvalidArgument, "must be >= 0", "n_items");
}

}  // namespace

InteractionMatrix InteractionMatrix::from_triplets(std::vector<Triplet> triplets, UserIndex n_users,
                                                   ItemIndex n_items, int threads) {
  check_shape(n_users, n_items);
  const std::size_t n = triplets.size();
  if (n >= std::numeric_limits<std::uint32_t>::max()) {
    throw Error(Code::kTooLarge, "at most 2^32-2 triplets per matrix", "triplets");
  }
  bool all_ratings = n > 0;
  std::vector<std::int64_t> counts(static_cast<std::size_t>(n_users) + 1, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const auto& t = triplets[k];
    if (t.user < 0 || t.user >= n_users) {
      throw Error(Code::kInvalidArgument,
                  "user index " + std::to_string(t.user) + " outside [0, " + std::to_string(n_users) + ")",
                  triplet_field(k, "user"));
    }
    if (t.item < 0 || t.item >= n_items) {
      throw Error(Code::kInvalidArgument,
                  "item index " + std::to_string(t.item) + " outside [0, " + std::to_string(n_items) + ")",
                  triplet_field(k, "item"));
    }
    if (!std::isfinite(t.weight))
      throw Error(Code::kInvalidArgument, "must be finite", triplet_field(k, "weight"));
    all_ratings = all_ratings && t.is_rating;
    ++counts[static_cast<std::size_t>(t.user) + 1];
  }
  for (std::size_t u = 0; u < static_cast<std::size_t>(n_users); ++u) counts[u + 1] += counts[u];

  // Stable counting sort by user: perm holds triplet positions grouped by user, in input order.
  std::vector<std::uint32_t> perm(n);
  {
    std::vector<std::int64_t> next(counts.begin(), counts.end() - 1);
    for (std::size_t k = 0; k < n; ++k) {
      perm[static_cast<std::size_t>(next[static_cast<std::size_t>(triplets[k].user)]++)] =
          static_cast<std::uint32_t>(k);
    }
  }

  InteractionMatrix m;
  m.n_users_ = n_users;
  m.n_items_ = n_items;
  m.is_rating_ = all_ratings;
  m.items_.resize(n);
  m.weights_.resize(n);
  m.timestamps_.resize(n);
  std::vector<std::int64_t> unique(static_cast<std::size_t>(n_users), 0);

  // Per user: order by (item, timestamp, input order), then aggregate each run of one item in place at
  // the start of the user's slice.
#pragma omp parallel for num_threads(thread_count(threads)) schedule(dynamic, 512) if (n > 50000)
  for (UserIndex u = 0; u < n_users; ++u) {
    const auto begin = counts[static_cast<std::size_t>(u)];
    const auto end = counts[static_cast<std::size_t>(u) + 1];
    auto* p = perm.data();
    std::sort(p + begin, p + end, [&](std::uint32_t a, std::uint32_t b) {
      const auto& ta = triplets[a];
      const auto& tb = triplets[b];
      if (ta.item != tb.item) return ta.item < tb.item;
      if (ta.timestamp_us != tb.timestamp_us) return ta.timestamp_us < tb.timestamp_us;
      return a < b;
    });
    auto out = begin;
    for (auto k = begin; k < end;) {
      const ItemIndex item = triplets[p[k]].item;
      double implicit_sum = 0;
      bool has_rating = false;
      float rating = 0;
      std::int64_t latest = std::numeric_limits<std::int64_t>::min();
      for (; k < end && triplets[p[k]].item == item; ++k) {
        const auto& t = triplets[p[k]];
        if (t.is_rating) {
          has_rating = true;
          rating = t.weight;  // runs are in time order, so the last rating seen is the latest
        } else {
          implicit_sum += t.weight;
        }
        latest = std::max(latest, t.timestamp_us);
      }
      const auto o = static_cast<std::size_t>(out++);
      m.items_[o] = item;
      m.weights_[o] = static_cast<float>(implicit_sum + (has_rating ? rating : 0.0f));
      m.timestamps_[o] = latest;
    }
    unique[static_cast<std::size_t>(u)] = out - begin;
  }
  std::vector<Triplet>().swap(triplets);
  std::vector<std::uint32_t>().swap(perm);

  // Compact: move each user's aggregated entries down to their final offsets.
  m.row_ptr_.assign(static_cast<std::size_t>(n_users) + 1, 0);
  for (std::size_t u = 0; u < static_cast<std::size_t>(n_users); ++u)
    m.row_ptr_[u + 1] = m.row_ptr_[u] + unique[u];
  const auto total = static_cast<std::size_t>(m.row_ptr_.back());
  if (total != n) {
    for (std::size_t u = 0; u < static_cast<std::size_t>(n_users); ++u) {
      const auto from = static_cast<std::size_t>(counts[u]);
      const auto to = static_cast<std::size_t>(m.row_ptr_[u]);
      const auto len = static_cast<std::size_t>(unique[u]);
      if (from == to || len == 0) continue;
      std::memmove(m.items_.data() + to, m.items_.data() + from, len * sizeof(ItemIndex));
      std::memmove(m.weights_.data() + to, m.weights_.data() + from, len * sizeof(float));
      std::memmove(m.timestamps_.data() + to, m.timestamps_.data() + from, len * sizeof(std::int64_t));
    }
    m.items_.resize(total);
    m.weights_.resize(total);
    m.timestamps_.resize(total);
    m.items_.shrink_to_fit();
    m.weights_.shrink_to_fit();
    m.timestamps_.shrink_to_fit();
  }
  m.max_timestamp_ = total == 0 ? 0 : *std::max_element(m.timestamps_.begin(), m.timestamps_.end());
  m.build_csc();
  return m;
}

InteractionMatrix InteractionMatrix::from_csr(UserIndex n_users, ItemIndex n_items,
                                              std::vector<std::int64_t> row_ptr, std::vector<ItemIndex> items,
                                              std::vector<float> weights,
                                              std::vector<std::int64_t> timestamps_us, bool is_rating_data) {
  check_shape(n_users, n_items);
  if (row_ptr.size() != static_cast<std::size_t>(n_users) + 1 || row_ptr.front() != 0 ||
      row_ptr.back() != static_cast<std::int64_t>(items.size())) {
    throw Error(Code::kInvalidArgument, "must hold n_users + 1 offsets from 0 to nnz", "row_ptr");
  }
  if (weights.size() != items.size()) throw Error(Code::kInvalidArgument, "must have nnz entries", "weights");
  if (timestamps_us.empty()) timestamps_us.assign(items.size(), 0);
  if (timestamps_us.size() != items.size()) {
    throw Error(Code::kInvalidArgument, "must have nnz entries (or none)", "timestamps");
  }
  for (std::size_t u = 0; u < static_cast<std::size_t>(n_users); ++u) {
    if (row_ptr[u + 1] < row_ptr[u]) throw Error(Code::kInvalidArgument, "must be non-decreasing", "row_ptr");
    for (auto k = row_ptr[u]; k < row_ptr[u + 1]; ++k) {
      const auto item = items[static_cast<std::size_t>(k)];
      if (item < 0 || item >= n_items)
        throw Error(Code::kInvalidArgument, "item index outside the shape", "items");
      if (k > row_ptr[u] && item <= items[static_cast<std::size_t>(k) - 1]) {
        throw Error(Code::kInvalidArgument, "must be sorted ascending and unique within a row", "items");
      }
      if (!std::isfinite(weights[static_cast<std::size_t>(k)])) {
        throw Error(Code::kInvalidArgument, "must be finite", "weights");
      }
    }
  }
  InteractionMatrix m;
  m.n_users_ = n_users;
  m.n_items_ = n_items;
  m.is_rating_ = is_rating_data && !items.empty();
  m.row_ptr_ = std::move(row_ptr);
  m.items_ = std::move(items);
  m.weights_ = std::move(weights);
  m.timestamps_ = std::move(timestamps_us);
  m.max_timestamp_ =
      m.timestamps_.empty() ? 0 : *std::max_element(m.timestamps_.begin(), m.timestamps_.end());
  m.build_csc();
  return m;
}

void InteractionMatrix::build_csc() {
  col_ptr_.assign(static_cast<std::size_t>(n_items_) + 1, 0);
  for (auto item : items_) ++col_ptr_[static_cast<std::size_t>(item) + 1];
  for (std::size_t i = 0; i < static_cast<std::size_t>(n_items_); ++i) col_ptr_[i + 1] += col_ptr_[i];
  col_users_.resize(items_.size());
  col_weights_.resize(items_.size());
  std::vector<std::int64_t> next(col_ptr_.begin(), col_ptr_.end() - 1);
  for (UserIndex u = 0; u < n_users_; ++u) {
    for (auto k = row_ptr_[static_cast<std::size_t>(u)]; k < row_ptr_[static_cast<std::size_t>(u) + 1]; ++k) {
      const auto pos =
          static_cast<std::size_t>(next[static_cast<std::size_t>(items_[static_cast<std::size_t>(k)])]++);
      col_users_[pos] = u;
      col_weights_[pos] = weights_[static_cast<std::size_t>(k)];
    }
  }
}

SparseRow InteractionMatrix::row(UserIndex u) const {
  if (u < 0 || u >= n_users_) throw Error(Code::kNotFound, "no user with index " + std::to_string(u), "user");
  const auto b = static_cast<std::size_t>(row_ptr_[static_cast<std::size_t>(u)]);
  const auto e = static_cast<std::size_t>(row_ptr_[static_cast<std::size_t>(u) + 1]);
  return {std::span<const ItemIndex>(items_.data() + b, e - b),
          std::span<const float>(weights_.data() + b, e - b)};
}

std::span<const std::int64_t> InteractionMatrix::row_timestamps(UserIndex u) const {
  if (u < 0 || u >= n_users_) throw Error(Code::kNotFound, "no user with index " + std::to_string(u), "user");
  const auto b = static_cast<std::size_t>(row_ptr_[static_cast<std::size_t>(u)]);
  const auto e = static_cast<std::size_t>(row_ptr_[static_cast<std::size_t>(u) + 1]);
  return {timestamps_.data() + b, e - b};
}

SparseColumn InteractionMatrix::column(ItemIndex i) const {
  if (i < 0 || i >= n_items_) throw Error(Code::kNotFound, "no item with index " + std::to_string(i), "item");
  const auto b = static_cast<std::size_t>(col_ptr_[static_cast<std::size_t>(i)]);
  const auto e = static_cast<std::size_t>(col_ptr_[static_cast<std::size_t>(i) + 1]);
  return {std::span<const UserIndex>(col_users_.data() + b, e - b),
          std::span<const float>(col_weights_.data() + b, e - b)};
}

std::size_t InteractionMatrix::memory_bytes() const {
  return row_ptr_.capacity() * sizeof(std::int64_t) + items_.capacity() * sizeof(ItemIndex) +
         weights_.capacity() * sizeof(float) + timestamps_.capacity() * sizeof(std::int64_t) +
         col_ptr_.capacity() * sizeof(std::int64_t) + col_users_.capacity() * sizeof(UserIndex) +
         col_weights_.capacity() * sizeof(float);
}

}  // namespace mxn::data

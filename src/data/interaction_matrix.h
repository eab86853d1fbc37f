#pragma once
// InteractionMatrix: users x items sparse matrix of aggregated interaction weights, held twice:
// CSR (rows = users, items sorted ascending, with each entry's latest timestamp) and CSC (columns =
// items, users sorted ascending). Immutable once built; models read it during fit() and keep no
// reference to it afterwards.
//
// Built from triplets with these aggregation rules for repeated (user, item) pairs:
//   - implicit entries (is_rating = false): weights sum;
//   - rating entries (is_rating = true): the latest rating wins (latest timestamp; equal timestamps:
//     the later triplet in input order);
//   - a pair with both: latest rating + sum of implicit weights;
//   - totals that are negative or zero are kept (dislikes are information), never dropped;
//   - the entry's timestamp is the latest timestamp of the pair's triplets.
// The matrix is "rating data" (is_rating_data()) when it is non-empty and every triplet was a rating;
// (a fact about the data, e.g. for reports).

#include <cstdint>
#include <span>
#include <vector>

#include "core/id_map.h"
#include "data/sparse_row.h"

namespace mxn::data {

/// One interaction after id mapping and weighting (what the warehouse snapshot produces).
struct Triplet {
  UserIndex user = 0;
  ItemIndex item = 0;
  float weight = 0;               // implicit weight, or the rating-derived value when is_rating
  std::int64_t timestamp_us = 0;  // epoch microseconds; 0 when unknown
  bool is_rating = false;
};

class InteractionMatrix {
 public:
  /// An empty 0 x 0 matrix.
  InteractionMatrix() = default;

  /// Aggregates `triplets` (consumed; any order) into an n_users x n_items matrix. Indices outside the
  /// shape or non-finite weights are an Error{kInvalidArgument} naming the triplet ("triplets[7].item").
  /// threads: OpenMP threads for sorting rows (0 = all).
  static InteractionMatrix from_triplets(std::vector<Triplet> triplets, UserIndex n_users, ItemIndex n_items,
                                         int threads = 0);

  /// From CSR arrays (row_ptr: n_users + 1 offsets; items sorted ascending and unique per row;
  /// timestamps empty = all 0). Inconsistent arrays are an Error{kInvalidArgument}.
  static InteractionMatrix from_csr(UserIndex n_users, ItemIndex n_items, std::vector<std::int64_t> row_ptr,
                                    std::vector<ItemIndex> items, std::vector<float> weights,
                                    std::vector<std::int64_t> timestamps_us, bool is_rating_data);

  UserIndex n_users() const { return n_users_; }
  ItemIndex n_items() const { return n_items_; }
  std::size_t nnz() const { return items_.size(); }
  bool is_rating_data() const { return is_rating_; }
  /// Latest timestamp of any entry (0 when empty).
  std::int64_t max_timestamp() const { return max_timestamp_; }

  /// User u's row (0 <= u < n_users, checked: out of range is an Error{kNotFound}).
  SparseRow row(UserIndex u) const;
  /// Latest timestamp of each entry of row(u), aligned with row(u).items.
  std::span<const std::int64_t> row_timestamps(UserIndex u) const;
  /// Item i's column (0 <= i < n_items, checked).
  SparseColumn column(ItemIndex i) const;

  /// Raw CSR: row_ptr (n_users + 1), items / weights / timestamps (nnz).
  const std::vector<std::int64_t>& row_ptr() const { return row_ptr_; }
  const std::vector<ItemIndex>& row_items() const { return items_; }
  const std::vector<float>& row_weights() const { return weights_; }
  const std::vector<std::int64_t>& row_timestamps() const { return timestamps_; }
  /// Raw CSC: col_ptr (n_items + 1), users / weights (nnz).
  const std::vector<std::int64_t>& col_ptr() const { return col_ptr_; }
  const std::vector<UserIndex>& col_users() const { return col_users_; }
  const std::vector<float>& col_weights() const { return col_weights_; }

  /// Bytes held by the arrays.
  std::size_t memory_bytes() const;

 private:
  void build_csc();

  UserIndex n_users_ = 0;
  ItemIndex n_items_ = 0;
  bool is_rating_ = false;
  std::int64_t max_timestamp_ = 0;
  std::vector<std::int64_t> row_ptr_ = {0};
  std::vector<ItemIndex> items_;
  std::vector<float> weights_;
  std::vector<std::int64_t> timestamps_;
  std::vector<std::int64_t> col_ptr_ = {0};
  std::vector<UserIndex> col_users_;
  std::vector<float> col_weights_;
};

}  // namespace mxn::data

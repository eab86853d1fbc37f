#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "data/rng.h"

namespace mxn::data {

namespace {

/// Builds train and test from a per-entry flag (1 = test) over the input's CSR order.
Split assemble(const InteractionMatrix& m, const std::vector<std::uint8_t>& to_test) {
  const auto n_users = static_cast<std::size_t>(m.n_users());
  std::vector<std::int64_t> train_ptr(n_users + 1, 0), test_ptr(n_users + 1, 0);
  std::vector<ItemIndex> train_items, test_items;
  std::vector<float> train_weights, test_weights;
  std::vector<std::int64_t> train_ts, test_ts;
  const std::size_t n_test = static_cast<std::size_t>(std::count(to_test.begin(), to_test.end(), 1));
  train_items.reserve(m.nnz() - n_test);
  train_weights.reserve(m.nnz() - n_test);
  train_ts.reserve(m.nnz() - n_test);
  test_items.reserve(n_test);
  test_weights.reserve(n_test);
  test_ts.reserve(n_test);
  const auto& ptr = m.row_ptr();
  for (std::size_t u = 0; u < n_users; ++u) {
    for (auto k = static_cast<std::size_t>(ptr[u]); k < static_cast<std::size_t>(ptr[u + 1]); ++k) {
      if (to_test[k]) {
        test_items.push_back(m.row_items()[k]);
        test_weights.push_back(m.row_weights()[k]);
        test_ts.push_back(m.row_timestamps()[k]);
      } else {
        train_items.push_back(m.row_items()[k]);
        train_weights.push_back(m.row_weights()[k]);
        train_ts.push_back(m.row_timestamps()[k]);
      }
    }
    train_ptr[u + 1] = static_cast<std::int64_t>(train_items.size());
    test_ptr[u + 1] = static_cast<std::int64_t>(test_items.size());
  }
  Split split;
  split.train =
      InteractionMatrix::from_csr(m.n_users(), m.n_items(), std::move(train_ptr), std::move(train_items),
                                  std::move(train_weights), std::move(train_ts), m.is_rating_data());
  split.test =
      InteractionMatrix::from_csr(m.n_users(), m.n_items(), std::move(test_ptr), std::move(test_items),
                                  std::move(test_weights), std::move(test_ts), m.is_rating_data());
  return split;
}

/// Marks `count` entries of user u chosen uniformly at random (partial Fisher-Yates).
void mark_random(std::vector<std::uint8_t>& to_test, std::size_t begin, std::size_t n, std::size_t count,
                 Rng& rng) {
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  for (std::size_t k = 0; k < count; ++k) {
    const auto j = k + rng.below(static_cast<std::uint32_t>(n - k));
    std::swap(order[k], order[j]);
    to_test[begin + order[k]] = 1;
  }
}

/// The split that `mark(to_test, u, begin, n)` chooses row by row, for every user with at least two entries
/// (entries [begin, begin + n) of the CSR arrays); `mark` flags test entries and leaves one in train.
template <class Mark>
Split split_rows(const InteractionMatrix& matrix, Mark&& mark) {
  std::vector<std::uint8_t> to_test(matrix.nnz(), 0);
  const auto& ptr = matrix.row_ptr();
  for (UserIndex u = 0; u < matrix.n_users(); ++u) {
    const auto begin = static_cast<std::size_t>(ptr[static_cast<std::size_t>(u)]);
    const auto n = static_cast<std::size_t>(ptr[static_cast<std::size_t>(u) + 1]) - begin;
    if (n >= 2) mark(to_test, u, begin, n);
  }
  return assemble(matrix, to_test);
}

}  // namespace

Split split_random_holdout(const InteractionMatrix& matrix, double test_fraction, std::uint64_t seed) {
  if (!(test_fraction >= 0 && test_fraction < 1)) {
    throw Error(Code::kInvalidArgument, "must be in [0, 1)", "test_fraction");
  }
  return split_rows(matrix, [&](std::vector<std::uint8_t>& to_test, UserIndex u, std::size_t begin, std::size_t n) {
    Rng rng(seed, static_cast<std::uint64_t>(u));
    auto count = static_cast<std::size_t>(std::floor(test_fraction * static_cast<double>(n) + rng.uniform()));
    count = std::min(count, n - 1);
    mark_random(to_test, begin, n, count, rng);
  });
}

Split split_temporal(const InteractionMatrix& matrix, int n_last) {
  if (n_last < 1) throw Error(Code::kInvalidArgument, "must be >= 1", "n_last");
  const auto& ts = matrix.row_timestamps();
  std::vector<std::uint32_t> order;
  return split_rows(matrix, [&](std::vector<std::uint8_t>& to_test, UserIndex, std::size_t begin, std::size_t n) {
    const auto count = std::min(static_cast<std::size_t>(n_last), n - 1);
    order.resize(n);
    std::iota(order.begin(), order.end(), 0u);
    // Latest first; entries are in item order, so among equal timestamps the higher item comes first.
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const auto ta = ts[begin + a], tb = ts[begin + b];
      return ta != tb ? ta > tb : a > b;
    });
    for (std::size_t k = 0; k < count; ++k) to_test[begin + order[k]] = 1;
  });
}

Split split_leave_one_out(const InteractionMatrix& matrix, std::uint64_t seed) {
  return split_rows(matrix, [&](std::vector<std::uint8_t>& to_test, UserIndex u, std::size_t begin, std::size_t n) {
    Rng rng(seed, static_cast<std::uint64_t>(u));
    to_test[begin + rng.below(static_cast<std::uint32_t>(n))] = 1;
  });
}

}  // namespace mxn::data

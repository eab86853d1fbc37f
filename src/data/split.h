#pragma once
// Train/test splits of an InteractionMatrix for offline evaluation. Every split is per user, keeps at
// least one entry of each user in train, gives disjoint train and test matrices of the input's shape
// (entries keep their weights and timestamps; the rating-data flag is carried over) and is
// deterministic: the same input and seed give the same split for any number of threads.

#include <cstdint>

#include "data/interaction_matrix.h"

namespace mxn::data {

struct Split {
  InteractionMatrix train;
  InteractionMatrix test;
};

/// Each user's entries go to test with probability ~test_fraction: the user gets floor(f * n + U) test
/// entries (U uniform in [0,1), so the expected count is f * n), chosen at random, at most n - 1.
/// test_fraction outside [0, 1) is an Error{kInvalidArgument, field "test_fraction"}.
Split split_random_holdout(const InteractionMatrix& matrix, double test_fraction, std::uint64_t seed);

/// Each user's last `n_last` entries by timestamp (ties: higher item index counts as later) go to test,
/// at most n - 1. n_last < 1 is an Error{kInvalidArgument, field "n_last"}.
Split split_temporal(const InteractionMatrix& matrix, int n_last);

/// One random entry of each user with at least two entries goes to test.
Split split_leave_one_out(const InteractionMatrix& matrix, std::uint64_t seed);

}  // namespace mxn::data

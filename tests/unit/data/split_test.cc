#include "data/split.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/error.h"
#include "data/rng.h"

namespace mxn::data {
namespace {

InteractionMatrix random_matrix(UserIndex users, ItemIndex items, int per_user, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Triplet> t;
  for (UserIndex u = 0; u < users; ++u) {
    const int n = 1 + static_cast<int>(rng.below(static_cast<std::uint32_t>(per_user)));
    for (int k = 0; k < n; ++k) {
      t.push_back({u, static_cast<ItemIndex>(rng.below(static_cast<std::uint32_t>(items))),
                   1.0f + static_cast<float>(rng.below(4)), static_cast<std::int64_t>(rng.below(1000)),
                   false});
    }
  }
  return InteractionMatrix::from_triplets(std::move(t), users, items);
}

using Entry = std::tuple<UserIndex, ItemIndex, float, std::int64_t>;

std::set<Entry> entries(const InteractionMatrix& m) {
  std::set<Entry> out;
  for (UserIndex u = 0; u < m.n_users(); ++u) {
    const auto row = m.row(u);
    const auto ts = m.row_timestamps(u);
    for (std::size_t k = 0; k < row.size(); ++k) out.insert({u, row.items[k], row.weights[k], ts[k]});
  }
  return out;
}

void expect_partition(const InteractionMatrix& all, const Split& s) {
  EXPECT_EQ(s.train.n_users(), all.n_users());
  EXPECT_EQ(s.test.n_items(), all.n_items());
  const auto a = entries(all), tr = entries(s.train), te = entries(s.test);
  EXPECT_EQ(tr.size() + te.size(), a.size());
  for (const auto& e : te) EXPECT_EQ(tr.count(e), 0u) << "test entry also in train";
  std::set<Entry> joined = tr;
  joined.insert(te.begin(), te.end());
  EXPECT_EQ(joined, a);
  for (UserIndex u = 0; u < all.n_users(); ++u) {
    if (!all.row(u).empty()) {
      EXPECT_FALSE(s.train.row(u).empty()) << "user " << u << " lost every train entry";
    }
  }
}

TEST(SplitTest, RandomHoldoutIsADeterministicPartition) {
  const auto m = random_matrix(300, 80, 30, 1);
  const auto a = split_random_holdout(m, 0.2, 7);
  const auto b = split_random_holdout(m, 0.2, 7);
  const auto c = split_random_holdout(m, 0.2, 8);
  expect_partition(m, a);
  EXPECT_EQ(entries(a.test), entries(b.test));
  EXPECT_NE(entries(a.test), entries(c.test));
  const double share = static_cast<double>(a.test.nnz()) / static_cast<double>(m.nnz());
  EXPECT_NEAR(share, 0.2, 0.03);
}

TEST(SplitTest, RandomHoldoutZeroFractionKeepsEverythingInTrain) {
  const auto m = random_matrix(50, 20, 10, 2);
  const auto s = split_random_holdout(m, 0.0, 1);
  EXPECT_EQ(s.test.nnz(), 0u);
  EXPECT_EQ(s.train.nnz(), m.nnz());
}

TEST(SplitTest, RandomHoldoutRejectsBadFraction) {
  const auto m = random_matrix(5, 5, 3, 3);
  try {
    split_random_holdout(m, 1.0, 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "test_fraction");
  }
  EXPECT_THROW(split_random_holdout(m, -0.1, 1), Error);
}

TEST(SplitTest, TemporalTakesEachUsersLatestEntries) {
  const auto m = random_matrix(200, 60, 20, 4);
  const auto s = split_temporal(m, 2);
  expect_partition(m, s);
  for (UserIndex u = 0; u < m.n_users(); ++u) {
    const auto n = m.row(u).size();
    const auto test_ts = s.test.row_timestamps(u);
    EXPECT_EQ(test_ts.size(), n >= 2 ? std::min<std::size_t>(2, n - 1) : 0u);
    for (auto t_test : test_ts) {
      for (auto t_train : s.train.row_timestamps(u)) EXPECT_GE(t_test, t_train) << "user " << u;
    }
  }
  EXPECT_THROW(split_temporal(m, 0), Error);
}

TEST(SplitTest, LeaveOneOutHoldsOneEntryPerUser) {
  const auto m = random_matrix(200, 60, 20, 5);
  const auto s = split_leave_one_out(m, 3);
  expect_partition(m, s);
  for (UserIndex u = 0; u < m.n_users(); ++u) {
    EXPECT_EQ(s.test.row(u).size(), m.row(u).size() >= 2 ? 1u : 0u);
  }
  EXPECT_EQ(entries(split_leave_one_out(m, 3).test), entries(s.test));
  EXPECT_NE(entries(split_leave_one_out(m, 4).test), entries(s.test));
}

TEST(SplitTest, RatingFlagIsCarriedOver) {
  std::vector<Triplet> t;
  for (int k = 0; k < 10; ++k) t.push_back({0, k, 1.0f, k, true});
  const auto m = InteractionMatrix::from_triplets(t, 1, 10);
  const auto s = split_leave_one_out(m, 1);
  EXPECT_TRUE(s.train.is_rating_data());
  EXPECT_TRUE(s.test.is_rating_data());
}

}  // namespace
}  // namespace mxn::data

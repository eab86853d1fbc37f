#include "data/interaction_matrix.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "data/row_buffer.h"

namespace mxn::data {
namespace {

Triplet implicit(UserIndex u, ItemIndex i, float w, std::int64_t t = 0) { return {u, i, w, t, false}; }
Triplet rating(UserIndex u, ItemIndex i, float w, std::int64_t t) { return {u, i, w, t, true}; }

/// Weight of (u, i), or NaN when the entry is absent.
float weight_of(const InteractionMatrix& m, UserIndex u, ItemIndex i) {
  const auto row = m.row(u);
  for (std::size_t k = 0; k < row.size(); ++k) {
    if (row.items[k] == i) return row.weights[k];
  }
  return std::nanf("");
}

TEST(InteractionMatrixTest, ImplicitRepeatsSumAndKeepLatestTimestamp) {
  auto m = InteractionMatrix::from_triplets(
      {implicit(0, 1, 1.0f, 50), implicit(0, 1, 1.5f, 70), implicit(0, 1, 4.0f, 10), implicit(1, 0, 1.0f, 5)},
      2, 3);
  EXPECT_EQ(m.nnz(), 2u);
  EXPECT_FLOAT_EQ(weight_of(m, 0, 1), 6.5f);
  EXPECT_EQ(m.row_timestamps(0)[0], 70);
  EXPECT_EQ(m.max_timestamp(), 70);
  EXPECT_FALSE(m.is_rating_data());
}

TEST(InteractionMatrixTest, LatestRatingWins) {
  // Out of input order: the rating with the latest timestamp wins, not the last one given.
  auto m = InteractionMatrix::from_triplets(
      {rating(0, 2, 1.0f, 300), rating(0, 2, -2.0f, 100), rating(0, 2, 0.5f, 200), rating(1, 2, 2.0f, 5)}, 2,
      3);
  EXPECT_FLOAT_EQ(weight_of(m, 0, 2), 1.0f);
  EXPECT_FLOAT_EQ(weight_of(m, 1, 2), 2.0f);
  EXPECT_TRUE(m.is_rating_data());
}

TEST(InteractionMatrixTest, EqualTimestampsLaterTripletWins) {
  auto m = InteractionMatrix::from_triplets({rating(0, 0, 1.0f, 100), rating(0, 0, -1.5f, 100)}, 1, 1);
  EXPECT_FLOAT_EQ(weight_of(m, 0, 0), -1.5f);
}

TEST(InteractionMatrixTest, MixedPairAddsImplicitToLatestRating) {
  auto m = InteractionMatrix::from_triplets(
      {rating(0, 0, 2.0f, 10), implicit(0, 0, 1.0f, 20), rating(0, 0, 1.0f, 30), implicit(0, 0, 0.5f, 5)}, 1,
      1);
  EXPECT_FLOAT_EQ(weight_of(m, 0, 0), 2.5f);  // latest rating 1.0 + implicit 1.5
  EXPECT_FALSE(m.is_rating_data());
}

TEST(InteractionMatrixTest, NegativeAndZeroTotalsAreKept) {
  auto m = InteractionMatrix::from_triplets(
      {implicit(0, 0, -4.0f), implicit(0, 1, 1.0f), implicit(0, 1, -1.0f), implicit(0, 2, 3.0f)}, 1, 3);
  EXPECT_EQ(m.nnz(), 3u);
  EXPECT_FLOAT_EQ(weight_of(m, 0, 0), -4.0f);
  EXPECT_FLOAT_EQ(weight_of(m, 0, 1), 0.0f);
  EXPECT_FLOAT_EQ(weight_of(m, 0, 2), 3.0f);
}

TEST(InteractionMatrixTest, RowsSortedAndColumnsMatchRows) {
  std::vector<Triplet> t;
  for (int k = 0; k < 200; ++k)
    t.push_back(implicit((k * 7) % 13, (k * 11) % 17, static_cast<float>(k % 5 + 1), k));
  auto m = InteractionMatrix::from_triplets(t, 13, 17, 2);
  ASSERT_EQ(m.n_users(), 13);
  ASSERT_EQ(m.n_items(), 17);
  std::size_t total = 0;
  for (UserIndex u = 0; u < m.n_users(); ++u) {
    const auto row = m.row(u);
    EXPECT_NO_THROW(row.validate());
    total += row.size();
  }
  EXPECT_EQ(total, m.nnz());
  for (ItemIndex i = 0; i < m.n_items(); ++i) {
    const auto col = m.column(i);
    for (std::size_t k = 0; k < col.size(); ++k) {
      if (k > 0) {
        EXPECT_LT(col.users[k - 1], col.users[k]);
      }
      EXPECT_FLOAT_EQ(weight_of(m, col.users[k], i), col.weights[k]);
    }
  }
}

TEST(InteractionMatrixTest, ThreadCountDoesNotChangeTheMatrix) {
  std::vector<Triplet> t;
  for (std::int64_t k = 0; k < 120000; ++k) {
    t.push_back({static_cast<UserIndex>((k * 7919) % 301), static_cast<ItemIndex>((k * 104729) % 97),
                 static_cast<float>(k % 3), k % 50, k % 4 == 0});
  }
  const auto one = InteractionMatrix::from_triplets(t, 301, 97, 1);
  const auto two = InteractionMatrix::from_triplets(t, 301, 97, 2);
  EXPECT_EQ(one.row_ptr(), two.row_ptr());
  EXPECT_EQ(one.row_items(), two.row_items());
  EXPECT_EQ(one.row_weights(), two.row_weights());
  EXPECT_EQ(one.row_timestamps(), two.row_timestamps());
  EXPECT_EQ(one.col_users(), two.col_users());
  EXPECT_LT(one.nnz(), t.size());  // repeats were aggregated
}

TEST(InteractionMatrixTest, UsersWithoutInteractionsHaveEmptyRows) {
  auto m = InteractionMatrix::from_triplets({implicit(2, 0, 1.0f)}, 4, 2);
  EXPECT_TRUE(m.row(0).empty());
  EXPECT_TRUE(m.row(3).empty());
  EXPECT_EQ(m.row(2).size(), 1u);
  EXPECT_TRUE(m.column(1).empty());
}

TEST(InteractionMatrixTest, BadTripletIsNamed) {
  try {
    InteractionMatrix::from_triplets({implicit(0, 0, 1.0f), implicit(0, 5, 1.0f)}, 1, 3);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    EXPECT_EQ(e.field(), "triplets[1].item");
  }
  try {
    InteractionMatrix::from_triplets({implicit(-1, 0, 1.0f)}, 1, 3);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "triplets[0].user");
  }
  try {
    InteractionMatrix::from_triplets({implicit(0, 0, std::nanf(""))}, 1, 3);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "triplets[0].weight");
  }
}

TEST(InteractionMatrixTest, FromCsrValidates) {
  EXPECT_NO_THROW(InteractionMatrix::from_csr(2, 3, {0, 1, 3}, {2, 0, 1}, {1, 1, 1}, {}, false));
  EXPECT_THROW(InteractionMatrix::from_csr(2, 3, {0, 1, 3}, {2, 1, 0}, {1, 1, 1}, {}, false),
               Error);  // unsorted
  EXPECT_THROW(InteractionMatrix::from_csr(2, 3, {0, 1, 3}, {2, 0, 3}, {1, 1, 1}, {}, false),
               Error);                                                                  // range
  EXPECT_THROW(InteractionMatrix::from_csr(2, 3, {0, 1}, {2}, {1}, {}, false), Error);  // row_ptr
}

TEST(InteractionMatrixTest, OutOfRangeRowIsAnError) {
  auto m = InteractionMatrix::from_triplets({implicit(0, 0, 1.0f)}, 1, 1);
  EXPECT_THROW(m.row(1), Error);
  EXPECT_THROW(m.column(-1), Error);
}

TEST(RowBufferTest, SortsAndSumsRepeats) {
  RowBuffer row({{5, 1.0f}, {2, 2.0f}, {5, 0.5f}});
  ASSERT_EQ(row.size(), 2u);
  EXPECT_EQ(row.items()[0], 2);
  EXPECT_EQ(row.items()[1], 5);
  EXPECT_FLOAT_EQ(row.weights()[1], 1.5f);
  row.add(3, -1.0f);
  row.add(2, 1.0f);
  EXPECT_EQ(row.items(), (std::vector<ItemIndex>{2, 3, 5}));
  EXPECT_FLOAT_EQ(row.weights()[0], 3.0f);
  EXPECT_TRUE(row.view().contains(3));
  EXPECT_FALSE(row.view().contains(4));
}

TEST(SparseRowTest, ValidateRejectsUnsortedRows) {
  std::vector<ItemIndex> items{3, 1};
  std::vector<float> weights{1, 1};
  SparseRow row{items, weights};
  try {
    row.validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "row");
  }
}

}  // namespace
}  // namespace mxn::data

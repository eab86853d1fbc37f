#include "models/neighbor_lists.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "core/error.h"
#include "data/row_buffer.h"

namespace mxn::models {
namespace {

/// n items, each with up to `max_len` distinct random neighbours (never itself); similarities are multiples
/// of 1/8, so every sum below is exact in float and the comparison with the reference can be exact.
NeighborLists random_lists(ItemIndex n, int max_len, std::mt19937& rng) {
  NeighborLists lists;
  for (ItemIndex i = 0; i < n; ++i) {
    std::vector<ItemIndex> others;
    for (ItemIndex j = 0; j < n; ++j) {
      if (j != i) others.push_back(j);
    }
    std::shuffle(others.begin(), others.end(), rng);
    const int len = std::uniform_int_distribution<int>(0, max_len)(rng);
    for (int e = 0; e < len; ++e) {
      lists.items.push_back(others[static_cast<std::size_t>(e)]);
      lists.similarities.push_back(static_cast<float>(std::uniform_int_distribution<int>(1, 8)(rng)) / 8.0f);
    }
    lists.ptr.push_back(static_cast<std::int64_t>(lists.items.size()));
  }
  return lists;
}

/// The documented formula, item by item: positive sums only, best first, ties by lower index.
std::vector<ScoredItem> reference(const NeighborLists& lists, const data::SparseRow& row, std::size_t k,
                                  const ItemFilter& exclude) {
  std::vector<float> score(static_cast<std::size_t>(lists.size()), 0.0f);
  for (std::size_t q = 0; q < row.size(); ++q) {
    if (row.items[q] >= lists.size()) continue;
    const auto items = lists.items_of(row.items[q]);
    const auto sims = lists.similarities_of(row.items[q]);
    for (std::size_t e = 0; e < items.size(); ++e) score[static_cast<std::size_t>(items[e])] += row.weights[q] * sims[e];
  }
  std::vector<ScoredItem> all;
  for (ItemIndex j = 0; j < lists.size(); ++j) {
    if (score[static_cast<std::size_t>(j)] > 0 && !exclude.excludes(j)) all.push_back({j, score[static_cast<std::size_t>(j)]});
  }
  std::sort(all.begin(), all.end(), [](const ScoredItem& a, const ScoredItem& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  });
  if (all.size() > k) all.resize(k);
  return all;
}

// Rows of every size one after another (so each call reuses scratch a larger or smaller row left behind),
// with negative, zero and repeated weights, items beyond the lists, exclusions, and k up to past the catalog.
TEST(NeighborListsTest, TopKByNeighborsMatchesTheFormula) {
  std::mt19937 rng(11);
  const NeighborLists lists = random_lists(60, 25, rng);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<std::pair<ItemIndex, float>> entries;
    const int len = std::uniform_int_distribution<int>(0, trial % 3 == 0 ? 60 : 6)(rng);
    for (int e = 0; e < len; ++e) {
      entries.emplace_back(std::uniform_int_distribution<ItemIndex>(0, 64)(rng),  // 60..64: no list
                           static_cast<float>(std::uniform_int_distribution<int>(-2, 4)(rng)));
    }
    const data::RowBuffer row(std::move(entries));
    std::vector<ItemIndex> excluded;
    for (int e = 0; e < trial % 4; ++e) excluded.push_back(std::uniform_int_distribution<ItemIndex>(0, 59)(rng));
    const ItemFilter exclude(excluded);
    const std::size_t k = std::vector<std::size_t>{1, 5, 20, 100}[static_cast<std::size_t>(trial) % 4];
    EXPECT_EQ(top_k_by_neighbors(lists, row.view(), k, exclude), reference(lists, row.view(), k, exclude))
        << "trial " << trial;
  }
}

TEST(NeighborListsTest, EveryItemReachedFillsTheScratch) {
  // Each list holds every other item, so the row reaches all items many times over.
  NeighborLists lists;
  const ItemIndex n = 8;
  for (ItemIndex i = 0; i < n; ++i) {
    for (ItemIndex j = 0; j < n; ++j) {
      if (j == i) continue;
      lists.items.push_back(j);
      lists.similarities.push_back(0.5f);
    }
    lists.ptr.push_back(static_cast<std::int64_t>(lists.items.size()));
  }
  const data::RowBuffer row({{0, 1.0f}, {1, 1.0f}, {2, 1.0f}, {3, 1.0f}});
  const auto top = top_k_by_neighbors(lists, row.view(), 10, {});
  EXPECT_EQ(top, reference(lists, row.view(), 10, {}));
  EXPECT_EQ(top.size(), 8u);
}

TEST(NeighborListsTest, SaveLoadRoundTripAndInconsistentListsAreCorrupt) {
  std::mt19937 rng(3);
  const NeighborLists lists = random_lists(20, 5, rng);
  std::stringstream bytes;
  BinaryWriter out(bytes);
  lists.save(out);
  const std::string saved = bytes.str();
  {
    std::stringstream in_bytes(saved);
    BinaryReader in(in_bytes);
    const NeighborLists loaded = NeighborLists::load(in, 20, "knn");
    EXPECT_EQ(loaded.ptr, lists.ptr);
    EXPECT_EQ(loaded.items, lists.items);
    EXPECT_EQ(loaded.similarities, lists.similarities);
  }
  std::stringstream in_bytes(saved);
  BinaryReader in(in_bytes);
  try {
    NeighborLists::load(in, 10, "knn");  // neighbours beyond 10 items, and 21 offsets for 10 items
    FAIL() << "loaded lists for the wrong number of items";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("knn neighbour lists"), std::string::npos);
  }
}

}  // namespace
}  // namespace mxn::models

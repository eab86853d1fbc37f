#pragma once
// Planted test data for the model tests: items fall into groups; each user belongs to one group and
// interacted with every item of it except one withheld item (a different one per user of the group),
// plus, for some users, one weak interaction with an item of another group. A good personal model ranks
// the withheld item first once the user's own items are excluded.

#include <vector>

#include <Eigen/Core>

#include "data/interaction_matrix.h"
#include "data/rng.h"

namespace mxn::models::testing {

struct Planted {
  data::InteractionMatrix matrix;
  std::vector<ItemIndex> withheld;  // per user
  int groups = 0;
  int items_per_group = 0;
};

/// rating = true: explicit data (weights +2 in-group, -2 for the out-of-group item, all is_rating).
inline Planted planted(int groups, int items_per_group, int users_per_group, bool rating,
                       std::uint64_t seed = 3) {
  Planted p;
  p.groups = groups;
  p.items_per_group = items_per_group;
  data::Rng rng(seed);
  std::vector<data::Triplet> t;
  const int n_items = groups * items_per_group;
  UserIndex u = 0;
  for (int g = 0; g < groups; ++g) {
    for (int v = 0; v < users_per_group; ++v, ++u) {
      const ItemIndex held = g * items_per_group + v % items_per_group;
      p.withheld.push_back(held);
      std::int64_t ts = 1'000'000;
      for (int j = 0; j < items_per_group; ++j) {
        const ItemIndex item = g * items_per_group + j;
        if (item == held) continue;
        t.push_back({u, item, rating ? 2.0f : 1.0f + static_cast<float>(rng.below(3)), ts++, rating});
      }
      if (v % 3 == 0) {
        const int other =
            (g + 1 + static_cast<int>(rng.below(static_cast<std::uint32_t>(groups - 1)))) % groups;
        const ItemIndex noise =
            other * items_per_group +
            static_cast<ItemIndex>(rng.below(static_cast<std::uint32_t>(items_per_group)));
        t.push_back({u, noise, rating ? -2.0f : 0.5f, ts++, rating});
      }
    }
  }
  p.matrix = data::InteractionMatrix::from_triplets(std::move(t), u, n_items);
  return p;
}

/// Dense users x items copy of the matrix.
inline Eigen::MatrixXd dense(const data::InteractionMatrix& m) {
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(m.n_users(), m.n_items());
  for (UserIndex u = 0; u < m.n_users(); ++u) {
    const auto row = m.row(u);
    for (std::size_t k = 0; k < row.size(); ++k) d(u, row.items[k]) = row.weights[k];
  }
  return d;
}

}  // namespace mxn::models::testing

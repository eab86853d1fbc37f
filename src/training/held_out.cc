#include "training/held_out.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/error.h"
#include "data/split.h"
#include "warehouse/warehouse.h"

namespace mxn::training {

HeldOut split_held_out(const data::DomainSnapshot& snap, const std::string& split, double test_fraction, int last,
                       std::uint64_t seed) {
  data::Split s;
  if (split == "random") {
    s = data::split_random_holdout(snap.matrix, test_fraction, seed);
  } else if (split == "temporal") {
    s = data::split_temporal(snap.matrix, last);
  } else if (split == "loo") {
    s = data::split_leave_one_out(snap.matrix, seed);
  } else {
    throw Error(Code::kInvalidArgument, "must be random, temporal or loo (got '" + split + "')", "split");
  }
  HeldOut out{.train = std::move(s.train), .user_ids = snap.users, .item_ids = snap.items};
  out.users = eval::held_out_users(s.test, RatingScale::kDislikedValue);
  out.rows = s.test.nnz();
  for (const auto& u : out.users) out.relevant_rows += u.relevant.size();
  out.relevance = fmt::format("held-out entries worth more than a disliked rating ({}): liked ratings, views, likes",
                              RatingScale::kDislikedValue);
  return out;
}

HeldOut file_held_out(const warehouse::Warehouse& warehouse, const data::DomainSnapshot& snap,
                      const std::string& path, const warehouse::CsvImportOptions& mapping, const RatingScale& ratings,
                      std::optional<double> min_rating) {
  HeldOut out{.train = snap.matrix, .user_ids = snap.users, .item_ids = snap.items};
  std::map<UserIndex, std::vector<ItemIndex>> relevant;
  warehouse.read_interactions_file(path, mapping, [&](const warehouse::InteractionRecord& r) {
    ++out.rows;
    const bool is_relevant =
        r.rating ? (min_rating ? *r.rating >= *min_rating : ratings.liked(*r.rating)) : r.weight > 0;
    if (!is_relevant) return;
    ++out.relevant_rows;
    const auto item = out.item_ids.get_or_add(r.item_id);
    if (item >= snap.matrix.n_items() || snap.matrix.column(item).empty()) ++out.unknown_item_rows;
    relevant[out.user_ids.get_or_add(r.user_id)].push_back(item);
  });
  for (auto& [user, items] : relevant) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    if (user >= snap.matrix.n_users() || snap.matrix.row(user).empty()) ++out.unknown_users;
    out.users.push_back({.user = user, .relevant = std::move(items)});
  }
  out.relevance = min_rating ? fmt::format("ratings of at least {}; other interactions with a positive weight", *min_rating)
                             : fmt::format("ratings above neutral ({} on {}..{}); other interactions with a positive "
                                           "weight",
                                           ratings.neutral, ratings.min, ratings.max);
  return out;
}

}  // namespace mxn::training

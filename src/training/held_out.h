#pragma once
// The held-out data an offline evaluation scores against, with the facts its report states: how many
// held-out rows and users, how many users and relevant items the training data does not know, and the rule
// that made a held-out row relevant.
//
// Relevance: a rating is relevant when it is liked on the domain's scale (RatingScale::liked: above
// neutral), or at least `min_rating` when one is given; any other interaction when its weight is positive.
// In a split of the domain's own matrix (where each entry is an aggregate), an entry is relevant when its
// value is above what a disliked rating is worth (RatingScale::kDislikedValue): a liked rating, a view, a
// like; not a disliked rating, a skip or a dislike.

#include <optional>
#include <string>
#include <vector>

#include "core/id_map.h"
#include "core/rating_scale.h"
#include "data/snapshot.h"
#include "eval/evaluator.h"
#include "warehouse/records.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::training {

struct HeldOut {
  data::InteractionMatrix train;         // users x items of the snapshot: what the models learn from
  std::vector<eval::HeldOutUser> users;  // users past train.n_users() and items past train.n_items() are unknown
  IdMap user_ids;                        // the snapshot's users, then the unknown held-out users
  IdMap item_ids;                        // the snapshot's items, then the unknown relevant items
  std::size_t rows = 0;                  // held-out rows (or entries) read
  std::size_t relevant_rows = 0;
  std::size_t unknown_users = 0;         // held-out users without any training interaction
  std::size_t unknown_item_rows = 0;     // relevant rows on items without any training interaction
  std::string relevance;                 // the rule, for the report
};

/// A split of the snapshot's matrix: "random" (training.test_fraction per user), "temporal" (each user's last
/// `last` entries) or "loo" (one per user). Error{kInvalidArgument, field "split"} for another name.
HeldOut split_held_out(const data::DomainSnapshot& snap, const std::string& split, double test_fraction, int last,
                       std::uint64_t seed);

/// Everything in the snapshot is training data; the held-out rows come from a file (CSV or Parquet, read with
/// `mapping` exactly as `mxn import` would).
HeldOut file_held_out(const warehouse::Warehouse& warehouse, const data::DomainSnapshot& snap,
                      const std::string& path, const warehouse::CsvImportOptions& mapping, const RatingScale& ratings,
                      std::optional<double> min_rating);

}  // namespace mxn::training

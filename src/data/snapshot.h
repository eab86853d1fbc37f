#pragma once
// A consistent, in-memory copy of one domain's training data, read from the warehouse: the id maps and
// the aggregated users x items matrix. Items are every catalog item of the domain (so that items nobody
// has touched yet can still be recommended by content), in catalog order, then any item seen only in
// interactions. Weights are the stored interaction weights, but a rating's is its value on the domain's
// scale (RatingScale::value: what models learn from); rating rows are flagged as ratings so that the latest
// rating of a user for an item wins (see InteractionMatrix).

#include <cstdint>
#include <string>

#include "core/id_map.h"
#include "core/rating_scale.h"
#include "data/interaction_matrix.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::data {

struct DomainSnapshot {
  std::string domain;
  IdMap users;
  IdMap items;
  InteractionMatrix matrix;         // users.size() x items.size()
  std::int64_t n_interactions = 0;  // raw rows read (before aggregation)
  std::string fingerprint;          // changes whenever the rows read or the id maps would
};

/// Reads `domain` from `warehouse`, its ratings on `ratings`; `threads` for building the matrix (0 = all cores).
DomainSnapshot snapshot_domain(const warehouse::Warehouse& warehouse, const std::string& domain,
                               const RatingScale& ratings, int threads = 0);

}  // namespace mxn::data

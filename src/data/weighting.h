#pragma once
// How an entry's total weight (a user's summed implicit weights plus their rating's value, see
// InteractionMatrix) enters the models: domains.<d>.models.weighting. Applied to the training matrix and,
// by the engine, to every live row, so a model scores exactly what it was fitted on. The sign is kept (a
// dislike stays negative); the magnitude m becomes
//   raw    m                          (default: ratings and single events carry their own scale)
//   log1p  ln(1 + m)                  (counts: the 100th play adds little over the 10th)
//   bm25   m (k1 + 1) / (m + k1)      (counts, saturating towards k1 + 1; k1 = 1.2, BM25's term frequency)

#include <string_view>

#include "data/interaction_matrix.h"

namespace mxn::data {

enum class Weighting { kRaw, kLog1p, kBm25 };

/// "raw" | "log1p" | "bm25"; anything else is an Error{kInvalidArgument, field "weighting"}.
Weighting parse_weighting(std::string_view name);

/// The weighted value of one entry.
float weigh(Weighting weighting, float value);

/// The same matrix with every entry weighed (a copy; raw returns it unchanged).
InteractionMatrix weighed(const InteractionMatrix& matrix, Weighting weighting);

}  // namespace mxn::data

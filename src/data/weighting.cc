#include "data/weighting.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace mxn::data {

namespace {
constexpr float kBm25K1 = 1.2f;
}

Weighting parse_weighting(std::string_view name) {
  if (name == "raw") return Weighting::kRaw;
  if (name == "log1p") return Weighting::kLog1p;
  if (name == "bm25") return Weighting::kBm25;
  throw Error(Code::kInvalidArgument, "must be one of raw, log1p, bm25 (got '" + std::string(name) + "')",
              "weighting");
}

float weigh(Weighting weighting, float value) {
  const float m = std::fabs(value);
  float out = m;
  switch (weighting) {
    case Weighting::kRaw:
      return value;
    case Weighting::kLog1p:
      out = std::log1p(m);
      break;
    case Weighting::kBm25:
      out = m * (kBm25K1 + 1.0f) / (m + kBm25K1);
      break;
  }
  return std::copysign(out, value);
}

InteractionMatrix weighed(const InteractionMatrix& matrix, Weighting weighting) {
  if (weighting == Weighting::kRaw) return matrix;
  std::vector<float> weights = matrix.row_weights();
  for (float& w : weights) w = weigh(weighting, w);
  return InteractionMatrix::from_csr(matrix.n_users(), matrix.n_items(), matrix.row_ptr(), matrix.row_items(),
                                     std::move(weights), matrix.row_timestamps(), matrix.is_rating_data());
}

}  // namespace mxn::data

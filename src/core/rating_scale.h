#pragma once
// How one domain's ratings read (domains.<d>.ratings): the scale they are given on and the point that
// separates a like from a dislike. One home for the rules every layer applies to a rating:
//   accepted:  min <= r <= max;
//   liked:     r > neutral (a relevant test row in evaluation; a rating at or below neutral is a dislike
//              for the engine's exclusions);
//   weight:    r - neutral, the signed preference stored with the interaction (as for other types,
//              negative means dislike);
//   value:     what the models learn from: 1 + (r - neutral) / (max - neutral) for a liked rating (1 to 2),
//              kDislikedValue for any other. A low rating still says "this user watched this", which is
//              what top-k ranking learns from; negative values for it ranked worse on both public dev
//              sets (docs/quality.md).

#include <string_view>
#include <vector>

#include "core/error.h"

namespace mxn {

struct RatingScale {
  static constexpr double kDislikedValue = 0.5;

  double min = 0.5;
  double max = 5.0;
  double neutral = 3.0;

  bool accepts(double r) const { return r >= min && r <= max; }
  bool liked(double r) const { return r > neutral; }
  double weight(double r) const { return r - neutral; }
  double value(double r) const { return liked(r) ? 1.0 + (r - neutral) / (max - neutral) : kDislikedValue; }

  /// min < max, min <= neutral < max, all finite; fields `prefix`.min / .max / .neutral.
  void validate(std::string_view prefix, std::vector<FieldError>& out) const;
  bool operator==(const RatingScale&) const = default;
};

}  // namespace mxn

#include "core/rating_scale.h"

#include <cmath>
#include <string>

namespace mxn {

void RatingScale::validate(std::string_view prefix, std::vector<FieldError>& out) const {
  const std::string p(prefix);
  if (!std::isfinite(min) || !std::isfinite(max) || !(min < max)) {
    out.push_back({p + ".min", "must be a number below " + p + ".max"});
  } else if (!std::isfinite(neutral) || !(neutral >= min && neutral < max)) {
    out.push_back({p + ".neutral", "must be within [" + p + ".min, " + p + ".max)"});
  }
}

}  // namespace mxn

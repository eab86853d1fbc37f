#pragma once
// Jaccard similarity of two tag lists (genres): |A ∩ B| / |A ∪ B| over the distinct tags, exact match.
// In [0, 1]; 0 when both are empty (nothing known in common).

#include <string>
#include <vector>

namespace mxn::automation {

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace mxn::automation

#pragma once
// Greedy nearest-neighbour ordering: a sequence in which neighbours are similar (a playlist that flows).
// Starts with item 0 (pass items best first, so the list opens with the best one), then repeatedly appends
// the not yet placed item most similar to the last placed one; ties go to the lower index (the better one).
// O(n^2) similarity calls, meant for lists of tens of items.

#include <cstddef>
#include <functional>
#include <vector>

namespace mxn::automation {

/// A permutation of 0..n-1 starting with 0. similarity(a, b): higher = more alike.
std::vector<std::size_t> order_by_similarity(std::size_t n,
                                             const std::function<double(std::size_t, std::size_t)>& similarity);

}  // namespace mxn::automation

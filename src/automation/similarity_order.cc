#include "automation/similarity_order.h"

#include <limits>

namespace mxn::automation {

std::vector<std::size_t> order_by_similarity(std::size_t n,
                                             const std::function<double(std::size_t, std::size_t)>& similarity) {
  std::vector<std::size_t> order;
  if (n == 0) return order;
  order.reserve(n);
  std::vector<char> placed(n, 0);
  order.push_back(0);
  placed[0] = 1;
  while (order.size() < n) {
    const std::size_t last = order.back();
    std::size_t next = n;
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) {
      if (placed[i]) continue;
      const double s = similarity(last, i);
      if (next == n || s > best) {
        best = s;
        next = i;
      }
    }
    placed[next] = 1;
    order.push_back(next);
  }
  return order;
}

}  // namespace mxn::automation

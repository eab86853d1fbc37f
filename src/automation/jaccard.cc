#include "automation/jaccard.h"

#include <algorithm>
#include <iterator>

namespace mxn::automation {

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> x = a, y = b;
  std::sort(x.begin(), x.end());
  x.erase(std::unique(x.begin(), x.end()), x.end());
  std::sort(y.begin(), y.end());
  y.erase(std::unique(y.begin(), y.end()), y.end());
  std::vector<std::string> common;
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(common));
  const std::size_t united = x.size() + y.size() - common.size();
  return united == 0 ? 0.0 : static_cast<double>(common.size()) / static_cast<double>(united);
}

}  // namespace mxn::automation

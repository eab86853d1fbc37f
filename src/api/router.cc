#include "api/router.h"

#include <set>

#include "core/error.h"

namespace mxn::api {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

namespace {
bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}
}  // namespace

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  std::set<std::pair<Method, std::string>> seen;
  for (const auto& r : routes_) {
    MXN_CHECK(seen.insert({r.method, r.pattern}).second, "duplicate route " + r.pattern);
    segments_.push_back(split_path(r.pattern));
  }
}

Router::Match Router::match(Method method, const std::string& path) const {
  const auto parts = split_path(path);
  Match result;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pattern = segments_[i];
    if (pattern.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t s = 0; s < parts.size() && ok; ++s) ok = is_param(pattern[s]) || pattern[s] == parts[s];
    if (!ok) continue;
    result.allowed.push_back(routes_[i].method);
    if (routes_[i].method != method) continue;
    std::map<std::string, std::string> params;
    for (std::size_t s = 0; s < parts.size(); ++s) {
      if (!is_param(pattern[s])) continue;
      std::string name = pattern[s].substr(1, pattern[s].size() - 2);
      params[name] = percent_decode(parts[s], false, name);
    }
    // A literal segment beats a parameter: prefer the route with fewer parameters.
    if (result.route == nullptr || params.size() < result.params.size()) {
      result.route = &routes_[i];
      result.params = std::move(params);
    }
  }
  return result;
}

}  // namespace mxn::api

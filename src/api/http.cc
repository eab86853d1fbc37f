#include "api/http.h"

#include "core/error.h"

namespace mxn::api {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kDelete: return "DELETE";
  }
  return "?";
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::header(const std::string& name) const {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

const std::string& Request::path_param(const std::string& name) const {
  auto it = path_params.find(name);
  MXN_CHECK(it != path_params.end(), "route has no path parameter " + name);
  return it->second;
}

}  // namespace mxn::api

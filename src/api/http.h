#pragma once
// The HTTP types mxn's handlers see, independent of the HTTP library underneath (see http_server.h).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mxn::api {

enum class Method { kGet, kPost, kPut, kDelete };
std::string_view method_name(Method m);  // "GET", ...

struct Request {
  Method method = Method::kGet;
  std::string path{};                              // without the query string
  std::string body{};
  std::map<std::string, std::string> headers{};    // names lower-cased
  std::multimap<std::string, std::string> query{}; // decoded query parameters
  std::map<std::string, std::string> path_params{};  // filled by the router: {user_id} -> value

  /// The first value of query parameter `name`, if present.
  std::optional<std::string> query_param(const std::string& name) const;
  /// The value of header `name` (lower-case), if present.
  std::optional<std::string> header(const std::string& name) const;
  /// A path parameter the route pattern declares (checked).
  const std::string& path_param(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body{};
};

}  // namespace mxn::api

#pragma once
// The HTTP types mxn's handlers see, independent of the HTTP library underneath (see http_server.h).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mxn::api {

struct Route;

enum class Method { kGet, kPost, kPut, kDelete, kPatch, kHead, kOptions, kOther };
std::string_view method_name(Method m);  // "GET", ...; kOther: "OTHER" (a method mxn serves on no route)
Method method_from_name(std::string_view name);  // "GET" -> kGet, ...; any other name: kOther

struct Request {
  Method method = Method::kGet;
  std::string path{};  // as sent, without the query string (still %-encoded)
  std::string body{};
  std::map<std::string, std::string> headers{};    // names lower-cased
  std::multimap<std::string, std::string> query{}; // decoded query parameters
  std::map<std::string, std::string> path_params{};  // filled by the router, decoded: {user_id} -> value
  const Route* route = nullptr;  // the route, once the App has matched it (path_params then filled too)

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
  std::vector<std::pair<std::string, std::string>> headers{};  // besides Content-Type and Content-Length
  /// Set instead of `body` for an answer sent as it is made (chunked): called for each next piece, after the
  /// previous one was written, on a handler thread (only routes that wait may stream); nullopt ends it.
  std::function<std::optional<std::string>()> stream{};
};

/// Percent-decodes one path segment or query component (`plus_is_space` for queries). Error{kMalformed,
/// field} when an escape is broken or the result is not UTF-8.
std::string percent_decode(std::string_view text, bool plus_is_space, const std::string& field);

/// Splits a request target "/path?a=1&b=x" into request.path (as sent) and request.query (decoded).
/// Error{kMalformed} naming the query parameter that cannot be decoded, or "path" when the path is not UTF-8.
void parse_target(std::string_view target, Request& request);

}  // namespace mxn::api

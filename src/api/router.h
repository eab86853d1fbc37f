#pragma once
// The route table's type and the matcher over it. Patterns are literal segments and {name} parameters:
// "/items/{domain}/{item_id}/similar". A route also describes itself (summary, schemas, query
// parameters) so that the OpenAPI document is generated from the same table that serves requests.

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/http.h"

namespace mxn::api {

using Handler = std::function<Response(const Request&)>;

struct QueryParam {
  std::string name{};
  std::string type{};  // JSON Schema type: string, integer, boolean
  std::string description{};
  bool required = false;
};

struct Route {
  Method method = Method::kGet;
  std::string pattern{};
  Handler handler{};
  std::string tag{};                 // the resource group: interactions, recommendations, ...
  std::string summary{};
  nlohmann::json request_schema{};   // JSON Schema of the body; null = no body
  nlohmann::json response_schema{};  // JSON Schema of the success body
  int success_status = 200;
  std::vector<QueryParam> query_params{};
  bool needs_key = true;           // false: served without an API key even when keys are set
  std::string content_type = "application/json";
  /// The handler waits on something else than the CPU (a commit, a training): it runs on the server's pool
  /// of waiting threads, not on an event loop.
  bool waits = false;
  /// Besides success_status, the answer when the call creates what it names (PUT /items: 201); 0: none.
  int created_status = 0;
  /// An example call with real values: its target ("/items/movies/movie_1/similar?top_k=5") and body (null:
  /// none). The OpenAPI document shows them as the parameters' and the body's examples, and a test sends
  /// every one to a seeded server.
  std::string example_target{};
  nlohmann::json example_body{};
};

class Router {
 public:
  explicit Router(std::vector<Route> routes);

  struct Match {
    const Route* route = nullptr;            // null: no route for this method and path
    std::vector<Method> allowed;             // the methods of the routes whose pattern the path matches
    std::map<std::string, std::string> params;
  };
  /// `path` as sent (%-encoded): segments are matched before decoding, so an id may hold an encoded '/'.
  /// Error{kMalformed, parameter name} when a parameter cannot be decoded.
  Match match(Method method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // per route, its pattern split at '/'
};

/// "/a/{b}/c" -> {"a", "{b}", "c"}.
std::vector<std::string> split_path(const std::string& path);

}  // namespace mxn::api

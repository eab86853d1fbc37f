#pragma once
// The request pipeline above the HTTP library: route matching (404, 405 with Allow, OPTIONS), API keys
// (401), JSON bodies only as application/json (415), the handler, mapping of mxn::Error to status and the
// error body, and metrics. The one place where error codes
// become HTTP statuses.

#include <string>
#include <vector>

#include "api/metrics.h"
#include "api/router.h"
#include "core/error.h"

namespace mxn::api {

/// The HTTP status of an error code: 400 malformed, 401, 404, 409, 413, 415, 422 invalid value, 503, 500.
int http_status(Code code);
/// {"code", "message", "field"} (+ "problems": [{field, message}] when there are several).
nlohmann::json error_json(const Error& error);
/// {"error": error_json(error)} as text.
std::string error_body(const Error& error);

class App {
 public:
  App(std::vector<Route> routes, std::vector<std::string> api_keys, Metrics& metrics);

  void dispatch(const Request& request, Response& response) const;
  /// Routes the request (Request::route and path_params, which dispatch() then uses) and says whether its
  /// route waits (Route::waits); false, and nothing routed, when no route matches.
  bool waits(Request& request) const;
  /// A request the HTTP layer refused before routing (400, 413, 431), with the error naming the part.
  void reject(int status, const Error& error, Response& response) const;
  const Router& router() const { return router_; }

 private:
  /// Whether the request may use a route: with keys configured, one that needs a key must present a valid
  /// one, and a key presented to any route must be valid (a client learns of a wrong key at /health too).
  bool authorised(const Request& request, bool needs_key) const;

  Router router_;
  std::vector<std::string> keys_;
  Metrics& metrics_;
};

}  // namespace mxn::api

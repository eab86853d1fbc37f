#include "api/app.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/log.h"
#include "core/utf8.h"

namespace mxn::api {

int http_status(Code code) {
  switch (code) {
    case Code::kMalformed: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kFailedPrecondition: return 409;
    case Code::kTooLarge: return 413;
    case Code::kUnsupportedMedia:
      return 415;
    case Code::kInvalidArgument: return 422;
    case Code::kNotSupported: return 422;
    case Code::kUnavailable: return 503;
    case Code::kCorrupt: return 500;
    case Code::kInternal: return 500;
  }
  return 500;
}

nlohmann::json error_json(const Error& error) {
  nlohmann::json e = {{"code", code_name(error.code())},
                      {"message", error.problems().size() == 1 ? error.problems().front().message : error.what()},
                      {"field", error.field().empty() ? nlohmann::json(nullptr) : nlohmann::json(error.field())}};
  if (error.problems().size() > 1) {
    e["problems"] = nlohmann::json::array();
    for (const auto& p : error.problems()) e["problems"].push_back({{"field", p.field}, {"message", p.message}});
  }
  return e;
}

std::string error_body(const Error& error) {
  // Messages may quote input: bytes that are not UTF-8 are replaced, never a reason to fail here.
  return nlohmann::json{{"error", error_json(error)}}.dump(-1, ' ', false,
                                                           nlohmann::json::error_handler_t::replace);
}

namespace {

// Compares in time independent of where the strings differ, so keys cannot be guessed byte by byte.
bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

/// A body sent to a route that reads JSON must say it is JSON (any other type is 415): a web page can send
/// text/plain or form bodies to a local server without the browser asking first, but not application/json.
/// A JSON merge patch (RFC 7396, PATCH) may say so by its own type.
void require_json(const Request& request) {
  std::string type = request.header("content-type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (!iequals(type, "application/json") && !iequals(type, "application/merge-patch+json")) {
    throw Error(Code::kUnsupportedMedia,
                "the body must be JSON sent as Content-Type: application/json" +
                    std::string(type.empty() ? " (none was given)" : ""),
                "content-type");
  }
}

/// The key a request presents (X-API-Key, or Authorization: Bearer), if any.
std::optional<std::string> presented_key(const Request& request) {
  if (auto key = request.header("x-api-key")) return key;
  if (auto auth = request.header("authorization");
      auth && auth->size() > 7 && auth->at(6) == ' ' && iequals(auth->substr(0, 6), "bearer")) {
    return auth->substr(7);  // the scheme's name is case-insensitive (RFC 9110, 11.1)
  }
  return std::nullopt;
}

std::string allow_list(const std::vector<Method>& methods) {
  std::string out;
  for (Method m : methods) out += (out.empty() ? "" : ", ") + std::string(method_name(m));
  return out;
}

void set_error(Response& response, const Error& error) {
  response.status = http_status(error.code());
  response.content_type = "application/json";
  response.body = error_body(error);
}

}  // namespace

App::App(std::vector<Route> routes, std::vector<std::string> api_keys, Metrics& metrics)
    : router_(std::move(routes)), keys_(std::move(api_keys)), metrics_(metrics) {}

bool App::authorised(const Request& request, bool needs_key) const {
  if (keys_.empty()) return true;
  const auto presented = presented_key(request);
  if (!presented) return !needs_key;  // an open route (/health) asks no key, but checks one it is given
  bool ok = false;
  for (const auto& key : keys_) ok = constant_time_equal(*presented, key) || ok;
  return ok;
}

void App::dispatch(const Request& request, Response& response) const {
  const auto start = std::chrono::steady_clock::now();
  std::string route_label = "unmatched";
  std::vector<Method> allowed;
  try {
    auto match = request.route != nullptr
                     ? Router::Match{.route = request.route, .allowed = {}, .params = request.path_params}
                     : router_.match(request.method, request.path);
    allowed = std::move(match.allowed);
    if (match.route == nullptr && request.method == Method::kOptions && !allowed.empty()) {
      response = Response{
          .status = 204, .content_type = "", .body = "", .headers = {{"Allow", allow_list(allowed)}}};
    } else if (match.route == nullptr) {
      if (!allowed.empty()) {
        throw Error(Code::kInvalidArgument,
                    std::string(method_name(request.method)) + " is not allowed here; " +
                        "allowed: " + allow_list(allowed),
                    "method");
      }
      throw Error(Code::kNotFound, "no such path", "path");
    } else {
      route_label = match.route->pattern;
      if (!authorised(request, match.route->needs_key)) {
        throw Error(Code::kUnauthenticated,
                    "a valid API key is required (X-API-Key or Authorization: Bearer)", "api_key");
      }
      if (!match.route->request_schema.is_null() && !request.body.empty()) require_json(request);
      Request routed = request;
      routed.path_params = std::move(match.params);
      response = match.route->handler(routed);
    }
  } catch (const Error& e) {
    set_error(response, e);
    if (route_label == "unmatched" && !allowed.empty()) {
      response.status = 405;
      response.headers.emplace_back("Allow", allow_list(allowed));
    }
    if (e.code() == Code::kInternal || e.code() == Code::kCorrupt) {
      log::error("http.error", "method", method_name(request.method), "path", request.path, "error", e.what());
    }
  } catch (const std::exception& e) {
    log::error("http.error", "method", method_name(request.method), "path", request.path, "error", e.what());
    set_error(response, Error(Code::kInternal, "internal error"));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.observe_request(std::string(method_name(request.method)), route_label, response.status, seconds);
}

bool App::waits(Request& request) const {
  try {
    auto match = request.route != nullptr
                     ? Router::Match{.route = request.route, .allowed = {}, .params = request.path_params}
                     : router_.match(request.method, request.path);
    if (match.route == nullptr) return false;  // dispatch() answers it
    request.route = match.route;
    request.path_params = std::move(match.params);
    return match.route->waits;
  } catch (const Error&) {
    return false;  // dispatch() answers it
  }
}

void App::reject(int status, const Error& error, Response& response) const {
  set_error(response, error);
  response.status = status;
  metrics_.observe_request("?", "rejected", status, 0.0);
}

}  // namespace mxn::api

#include "api/app.h"

#include <nlohmann/json.hpp>

#include <chrono>

#include "core/log.h"

namespace mxn::api {

int http_status(Code code) {
  switch (code) {
    case Code::kMalformed: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kFailedPrecondition: return 409;
    case Code::kTooLarge: return 413;
    case Code::kInvalidArgument: return 422;
    case Code::kNotSupported: return 422;
    case Code::kUnavailable: return 503;
    case Code::kCorrupt: return 500;
    case Code::kInternal: return 500;
  }
  return 500;
}

std::string error_body(const Error& error) {
  nlohmann::json e = {{"code", code_name(error.code())},
                      {"message", error.problems().size() == 1 ? error.problems().front().message : error.what()},
                      {"field", error.field().empty() ? nlohmann::json(nullptr) : nlohmann::json(error.field())}};
  if (error.problems().size() > 1) {
    e["problems"] = nlohmann::json::array();
    for (const auto& p : error.problems()) e["problems"].push_back({{"field", p.field}, {"message", p.message}});
  }
  return nlohmann::json{{"error", e}}.dump();
}

namespace {

// Compares in time independent of where the strings differ, so keys cannot be guessed byte by byte.
bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void set_error(Response& response, const Error& error) {
  response.status = http_status(error.code());
  response.content_type = "application/json";
  response.body = error_body(error);
}

}  // namespace

App::App(std::vector<Route> routes, std::vector<std::string> api_keys, Metrics& metrics)
    : router_(std::move(routes)), keys_(std::move(api_keys)), metrics_(metrics) {}

bool App::authorised(const Request& request) const {
  std::string presented;
  if (auto key = request.header("x-api-key")) {
    presented = *key;
  } else if (auto auth = request.header("authorization"); auth && auth->rfind("Bearer ", 0) == 0) {
    presented = auth->substr(7);
  }
  bool ok = false;
  for (const auto& key : keys_) ok = constant_time_equal(presented, key) || ok;
  return ok;
}

void App::dispatch(const Request& request, Response& response) const {
  const auto start = std::chrono::steady_clock::now();
  auto match = router_.match(request.method, request.path);
  std::string route_label = match.route ? match.route->pattern : "unmatched";
  try {
    if (match.route == nullptr) {
      if (match.path_known) {
        throw Error(Code::kInvalidArgument, std::string(method_name(request.method)) + " is not allowed on " +
                                                request.path, "method");
      }
      throw Error(Code::kNotFound, "no route " + std::string(method_name(request.method)) + " " + request.path,
                  "path");
    }
    if (match.route->needs_key && !keys_.empty() && !authorised(request)) {
      throw Error(Code::kUnauthenticated, "a valid API key is required (X-API-Key or Authorization: Bearer)",
                  "api_key");
    }
    Request routed = request;
    routed.path_params = std::move(match.params);
    response = match.route->handler(routed);
  } catch (const Error& e) {
    set_error(response, e);
    if (match.route == nullptr && match.path_known) response.status = 405;
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

void App::reject(int status, Response& response) const {
  const Code code = status == 413 ? Code::kTooLarge : Code::kMalformed;
  const std::string message = status == 413 ? "request body is larger than api.max_body_bytes" : "malformed request";
  set_error(response, Error(code, message, status == 413 ? "body" : ""));
  response.status = status;
  metrics_.observe_request("?", "rejected", status, 0.0);
}

}  // namespace mxn::api

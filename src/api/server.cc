#include "api/server.h"

#include <algorithm>
#include <thread>

#include "core/log.h"

namespace mxn::api {

namespace {
bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}
}  // namespace

Server::Server(const config::Config& config, bool with_scheduler) : runtime_(config, with_scheduler) {
  http_ = make_http_server({.io_threads = config.api.io_threads > 0 ? config.api.io_threads
                                                               : static_cast<int>(std::max(2u, std::thread::hardware_concurrency())),
                            .threads = config.api.threads,
                            .max_body_bytes = static_cast<std::size_t>(config.api.max_body_bytes),
                            .idle_seconds = config.api.idle_timeout_seconds,
                            .request_seconds = config.api.request_timeout_seconds,
                            .max_connections = static_cast<std::size_t>(config.api.max_connections)});
  port_ = http_->bind(config.api.host, config.api.port);
  if (!is_loopback(config.api.host) && config.api.keys.empty()) {
    log::warn("api.unprotected", "host", config.api.host,
              "advice", "bound beyond loopback without API keys: set api.keys or MXN_API_KEYS");
  }
  log::info("api.listening", "host", config.api.host, "port", port_, "auth", config.api.keys.empty() ? "off" : "on",
            "scheduler", with_scheduler ? "on" : "off");
}

Server::~Server() {
  http_.reset();  // stop taking requests before the runtime goes
}

void Server::run() {
  const App& app = runtime_.app();
  http_->serve({[&app](const Request& q, Response& r) { app.dispatch(q, r); },
                [&app](Request& q) { return app.waits(q); },
                [&app](int status, const Error& e, Response& r) { app.reject(status, e, r); }});
}

void Server::stop() { http_->stop(); }

}  // namespace mxn::api

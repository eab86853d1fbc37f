#pragma once
// Server: a running mxn (api::Runtime) with the HTTP API in front of it. `mxn serve` and the integration
// tests build one.

#include <memory>

#include "api/http_server.h"
#include "api/runtime.h"

namespace mxn::api {

class Server {
 public:
  /// Opens the runtime (warehouse, stored models; never trains) and binds config.api.host:port (0 = any free
  /// port). Errors: the runtime's (file locked, ...) or Error{kUnavailable} when the port cannot be bound.
  Server(const config::Config& config, bool with_scheduler);
  ~Server();

  int port() const { return port_; }
  /// Serves until stop(); blocks.
  void run();
  /// Safe from any thread.
  void stop();
  Services& services() { return runtime_.services(); }

 private:
  Runtime runtime_;
  std::unique_ptr<HttpServer> http_;
  int port_ = 0;
};

}  // namespace mxn::api

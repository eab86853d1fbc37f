#pragma once
// The thin interface between mxn and an HTTP library: bind, serve every request through one dispatch
// function, stop. Routing, auth, metrics and error bodies live above it (api/app.h), so the library can
// be swapped by writing another implementation of HttpServer.

#include <functional>
#include <memory>
#include <string>

#include "api/http.h"

namespace mxn::api {

struct HttpServerOptions {
  int threads = 64;                    // worker threads (one per open keep-alive connection)
  std::size_t max_body_bytes = 10 << 20;  // larger bodies are refused with 413 before being read
  int keep_alive_seconds = 5;          // a connection quiet this long (between or within requests) is closed
  int keep_alive_max_requests = 100000;
};

struct HttpHandlers {
  std::function<void(const Request&, Response&)> dispatch;
  /// For requests the library refused itself (413 body too large, 400 unparsable): fill in the body.
  std::function<void(int status, Response&)> reject;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  /// Binds host:port (port 0 = any free port); returns the bound port. Errors: Error{kUnavailable}.
  virtual int bind(const std::string& host, int port) = 0;
  /// Serves until stop(); blocks the calling thread.
  virtual void serve(HttpHandlers handlers) = 0;
  /// Stops serving; safe from any thread (and from a signal-watching thread).
  virtual void stop() = 0;
};

/// cpp-httplib behind HttpServer: TCP_NODELAY, a thread pool of options.threads, keep-alive.
std::unique_ptr<HttpServer> make_httplib_server(const HttpServerOptions& options);

}  // namespace mxn::api

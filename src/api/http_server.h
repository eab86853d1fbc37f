#pragma once
// The thin interface between mxn and the HTTP library: bind, serve every request through one dispatch
// function, stop. Routing, auth, metrics and error bodies live above it (api/app.h).

#include <functional>
#include <memory>
#include <string>

#include "api/http.h"
#include "core/error.h"

namespace mxn::api {

struct HttpServerOptions {
  int io_threads = 2;                     // event loops: all socket I/O, and the handlers that do not wait
  int threads = 64;                       // the pool for handlers that wait (a commit, a training)
  std::size_t max_body_bytes = 10 << 20;  // larger bodies get 413 before more than this is read
  std::size_t max_header_bytes = 16 << 10;  // a larger request line + headers gets 431
  int idle_seconds = 5;                 // a connection must start a request, and send its header, within this
  int request_seconds = 30;             // to send a body, and to take a response
  std::size_t max_connections = 10000;  // connections beyond this are closed as they are accepted
};

struct HttpHandlers {
  std::function<void(const Request&, Response&)> dispatch;
  /// True when the request's handler waits on something else than the CPU: it runs on the waiting pool.
  /// It may route the request on the way (dispatch then need not). Absent: every handler runs on the loops.
  std::function<bool(Request&)> waits;
  /// For requests the HTTP layer refused itself (400 unparsable, 413 too large, 431 header too large): fill
  /// in the response from the error, which names the part.
  std::function<void(int status, const Error& error, Response&)> reject;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  /// Binds host:port (port 0 = any free port); returns the bound port. Errors: Error{kUnavailable}.
  virtual int bind(const std::string& host, int port) = 0;
  /// Serves until stop(); blocks the calling thread. Returns once every handler has finished.
  virtual void serve(HttpHandlers handlers) = 0;
  /// Stops serving; safe from any thread (and from a signal-watching thread), before or during serve().
  virtual void stop() = 0;
};

/// Boost.Beast on Asio: options.io_threads run one event loop, options.threads the waiting handlers;
/// keep-alive and pipelining, every limit and timeout of HttpServerOptions.
std::unique_ptr<HttpServer> make_http_server(const HttpServerOptions& options);

}  // namespace mxn::api

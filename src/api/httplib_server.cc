#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cctype>
#include <chrono>
#include <cstring>
#include <thread>

#include "api/http_server.h"
#include "core/error.h"
#include "core/log.h"

namespace mxn::api {

namespace {

class HttplibServer final : public HttpServer {
 public:
  explicit HttplibServer(const HttpServerOptions& options) : options_(options) {
    server_.set_tcp_nodelay(true);
    const auto threads = static_cast<std::size_t>(options.threads);
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_payload_max_length(options.max_body_bytes);
    server_.set_keep_alive_timeout(options.keep_alive_seconds);
    server_.set_keep_alive_max_count(static_cast<std::size_t>(options.keep_alive_max_requests));
    server_.set_socket_options([this](socket_t sock) {
      httplib::default_socket_options(sock);
      listen_socket_ = sock;
    });
  }

  int bind(const std::string& host, int port) override {
    int bound = port == 0 ? server_.bind_to_any_port(host) : (server_.bind_to_port(host, port) ? port : -1);
    if (bound < 0) {
      throw Error(Code::kUnavailable, "cannot listen on " + host + ":" + std::to_string(port) +
                                          " (address in use or not available)", "api.port");
    }
    // The Debian library listens with a backlog of 5 (compiled in): a burst of new connections overflows
    // it, and each dropped SYN waits a second for its retransmit. Listening again sets the backlog (the
    // kernel caps it at net.core.somaxconn).
    if (::listen(listen_socket_, SOMAXCONN) != 0) {
      log::warn("http.backlog_unchanged", "error", std::strerror(errno));
    }
    return bound;
  }

  void serve(HttpHandlers handlers) override {
    handlers_ = std::move(handlers);
    auto handle = [this](Method method) {
      return [this, method](const httplib::Request& in, httplib::Response& out) {
        Request req;
        req.method = method;
        req.path = in.path;
        req.body = in.body;
        for (const auto& [name, value] : in.headers) {
          std::string lower(name);
          for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          req.headers.emplace(std::move(lower), value);
        }
        for (const auto& [name, value] : in.params) req.query.emplace(name, value);
        Response res;
        handlers_.dispatch(req, res);
        out.status = res.status;
        out.set_content(res.body, res.content_type.c_str());
      };
    };
    const std::string any = ".*";
    server_.Get(any, handle(Method::kGet));
    server_.Post(any, handle(Method::kPost));
    server_.Put(any, handle(Method::kPut));
    server_.Delete(any, handle(Method::kDelete));
    // Requests refused before routing (413, malformed) get mxn's error body; handled ones keep theirs.
    server_.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request&,
                                                                         httplib::Response& out) {
      if (!out.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      Response res;
      res.status = out.status;
      handlers_.reject(out.status, res);
      out.set_content(res.body, res.content_type.c_str());
      return httplib::Server::HandlerResponse::Handled;
    }));
    serving_ = true;
    if (!stopping_) server_.listen_after_bind();
    serving_ = false;
  }

  // A stop that comes before the listening loop has started (httplib ignores those) is repeated until
  // serve() has returned, so it is never lost.
  void stop() override {
    stopping_ = true;
    while (serving_) {
      server_.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

 private:
  HttpServerOptions options_;
  HttpHandlers handlers_;
  httplib::Server server_;
  socket_t listen_socket_ = -1;  // set when the server creates its socket
  std::atomic<bool> serving_{false};
  std::atomic<bool> stopping_{false};
};

}  // namespace

std::unique_ptr<HttpServer> make_httplib_server(const HttpServerOptions& options) {
  return std::make_unique<HttplibServer>(options);
}

}  // namespace mxn::api

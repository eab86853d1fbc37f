#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cctype>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "api/http_server.h"
#include "core/error.h"
#include "core/log.h"

namespace mxn::api {

namespace {

/// One accepted keep-alive connection as cpp-httplib's Stream. Reads come from a buffer that one recv()
/// fills, and a response's writes are gathered and sent with one send() (flush()), so a request costs two
/// system calls and its response is one TCP segment. The library's own stream polls before each read
/// and write, sends header and body apart and asks for both addresses on every request: eleven calls.
/// The addresses are asked for once per connection here.
/// Every wait (for a request, a body, the peer to take a response) ends after `timeout`.
class Connection final : public httplib::Stream {
 public:
  Connection(socket_t sock, std::chrono::seconds timeout) : sock_(sock) {
    address(::getpeername, sock_, remote_ip_, remote_port_);
    address(::getsockname, sock_, local_ip_, local_port_);
    timeval tv{.tv_sec = static_cast<time_t>(timeout.count()), .tv_usec = 0};
    ::setsockopt(sock_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(sock_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }

  /// Waits until a request has begun to arrive; false when the peer closed, went quiet or failed.
  bool await_request() { return begin_ < end_ || fill() > 0; }

  /// Sends the gathered response; false when the peer is gone.
  bool flush() {
    std::size_t sent = 0;
    while (sent < out_.size()) {
      ssize_t n = ::send(sock_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    out_.clear();
    return true;
  }

  bool is_readable() const override { return true; }  // reads wait themselves, up to the timeout
  bool is_writable() const override { return true; }  // writes are gathered until flush()

  ssize_t read(char* ptr, size_t size) override {
    // Anything said before a read (a "100 Continue") must reach the peer before it is waited for.
    if (begin_ == end_ && (!flush() || fill() <= 0)) return -1;
    std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, in_ + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return sock_; }

 private:
  ssize_t fill() {
    ssize_t n;
    do n = ::recv(sock_, in_, sizeof(in_), 0);
    while (n < 0 && errno == EINTR);
    begin_ = 0;
    end_ = n > 0 ? static_cast<std::size_t>(n) : 0;
    return n;
  }

  static void address(int (*query)(int, sockaddr*, socklen_t*), int sock, std::string& ip, int& port) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];
    if (query(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof(host), serv, sizeof(serv),
                      NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
      return;
    }
    ip = host;
    port = std::atoi(serv);
  }

  socket_t sock_;
  std::string remote_ip_, local_ip_;
  int remote_port_ = 0, local_port_ = 0;
  char in_[16384];
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::string out_;
};

/// cpp-httplib's server with mxn's connection loop (Connection above). stop() ends the connections
/// that wait for a request at once instead of after their keep-alive timeout.
class ConnectionServer final : public httplib::Server {
 public:
  explicit ConnectionServer(const HttpServerOptions& options)
      : timeout_(options.keep_alive_seconds), max_requests_(options.keep_alive_max_requests) {}

  /// Ends the reading side of every open connection: a waiting one closes, a busy one finishes its
  /// response first. Call after stop(), which closes the listening socket.
  void close_connections() {
    std::lock_guard lock(mutex_);
    for (socket_t sock : open_) ::shutdown(sock, SHUT_RD);
  }

 private:
  bool process_and_close_socket(socket_t sock) override {
    {
      std::lock_guard lock(mutex_);
      open_.insert(sock);
    }
    Connection connection(sock, timeout_);
    bool ok = true;
    for (int left = max_requests_; ok && left > 0 && svr_sock_ != INVALID_SOCKET && connection.await_request();
         --left) {
      bool closed = false;
      bool processed = process_request(connection, left == 1, closed, nullptr);
      ok = connection.flush() && processed && !closed;
    }
    {
      std::lock_guard lock(mutex_);
      open_.erase(sock);
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }

  std::chrono::seconds timeout_;
  int max_requests_;
  std::mutex mutex_;
  std::unordered_set<socket_t> open_;
};

class HttplibServer final : public HttpServer {
 public:
  explicit HttplibServer(const HttpServerOptions& options) : server_(options) {
    server_.set_tcp_nodelay(true);
    const auto threads = static_cast<std::size_t>(options.threads);
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_payload_max_length(options.max_body_bytes);
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
      server_.close_connections();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

 private:
  HttpHandlers handlers_;
  ConnectionServer server_;
  socket_t listen_socket_ = -1;  // set when the server creates its socket
  std::atomic<bool> serving_{false};
  std::atomic<bool> stopping_{false};
};

}  // namespace

std::unique_ptr<HttpServer> make_httplib_server(const HttpServerOptions& options) {
  return std::make_unique<HttplibServer>(options);
}

}  // namespace mxn::api

// HttpServer on Boost.Beast and Asio. A connection is a Session: every step of it (read the header, read
// the body, write the answer) is an asynchronous operation on the connection's strand, run by one of the
// event loops (io_threads), each under a deadline. An idle or slow connection therefore holds a socket and
// a small buffer, never a thread. A handler that only computes (recommendations, reads) runs on the event
// loop that read its request: handing every request to another thread cost 0.78x the requests/s
// (docs/benchmarks.md). A handler that waits (a commit, a training) runs on the waiting pool (threads) and
// hands its answer back to the connection's strand, so that waits never hold an event loop. Limits are the parser's: the
// header size, and the body size for every transfer encoding (a declared Content-Length over the limit
// is refused before any of the body is read, a chunked body as soon as it passes the limit).

#include <sys/resource.h>

#include <atomic>
// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http_server.h"
#include "core/log.h"

namespace mxn::api {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Method method_of(http::verb verb) {
  static constexpr std::pair<http::verb, Method> kMethods[] = {
      {http::verb::get, Method::kGet},         {http::verb::post, Method::kPost},
      {http::verb::put, Method::kPut},         {http::verb::delete_, Method::kDelete},
      {http::verb::patch, Method::kPatch},     {http::verb::head, Method::kHead},
      {http::verb::options, Method::kOptions}};
  for (const auto& [v, m] : kMethods) {
    if (v == verb) return m;
  }
  return Method::kOther;
}

/// The connections a server has open, so that stop() can end them.
class Sessions;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServerOptions& options, const HttpHandlers& handlers,
          asio::thread_pool& waiting, Sessions& sessions)
      : stream_(std::move(socket)), options_(options), handlers_(handlers), waiting_(waiting), sessions_(sessions) {}
  ~Session();

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  /// Ends the connection once its current response (if any) is sent: no further request is read.
  void close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->busy_) self->stream_.socket().close();
    });
  }

 private:
  void read_header() {
    if (closing_) return stream_.socket().close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser_->body_limit(options_.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(options_.idle_seconds));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return refuse(ec);
    busy_ = true;
    stream_.expires_after(std::chrono::seconds(options_.request_seconds));
    const auto& header = parser_->get();
    if (beast::iequals(header[http::field::expect], "100-continue") && !parser_->is_done()) {
      // The client waits for this before it sends the body (curl does for large uploads).
      auto cont =
          std::make_shared<http::response<http::empty_body>>(http::status::continue_, header.version());
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
        if (ec) return self->stream_.socket().close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec) return refuse(ec);
    auto message = parser_->release();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    Request request;
    request.method = method_of(message.method());
    head_ = request.method == Method::kHead;
    try {
      parse_target(std::string_view(message.target().data(), message.target().size()), request);
    } catch (const Error& e) {
      return reject(400, e);
    }
    for (const auto& field : message) {
      std::string name(field.name_string().data(), field.name_string().size());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace(std::move(name), std::string(field.value().data(), field.value().size()));
    }
    request.body = std::move(message.body());
    if (handlers_.waits && handlers_.waits(request)) {
      // The guard keeps the event loops running until the answer is back on this connection's strand.
      asio::post(waiting_, [self = shared_from_this(), request = std::move(request),
                            guard = asio::make_work_guard(stream_.get_executor())] {
        auto response = std::make_shared<Response>();
        self->handlers_.dispatch(request, *response);
        asio::post(self->stream_.get_executor(), [self, response] { self->write(std::move(*response)); });
      });
      return;
    }
    Response response;
    handlers_.dispatch(request, response);
    write(std::move(response));
  }

  /// A request the parser refused: answer when there is something to say, then close.
  void refuse(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return reject(413, Error(Code::kTooLarge,
                               "the body is larger than api.max_body_bytes (" +
                                   std::to_string(options_.max_body_bytes) + " bytes)",
                               "body"));
    }
    if (ec == http::error::header_limit) {
      return reject(431, Error(Code::kTooLarge,
                               "the request line and headers are larger than " +
                                   std::to_string(options_.max_header_bytes) + " bytes",
                               "headers"));
    }
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return reject(400, Error(Code::kMalformed, "not a valid HTTP/1.1 request: " + ec.message(), "request"));
    }
    // The peer closed or went quiet (end of stream, time-out, reset): nothing to answer.
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  void reject(int status, const Error& error) {
    Response response;
    handlers_.reject(status, error, response);
    keep_alive_ = false;
    head_ = false;
    write(std::move(response));
  }

  void write(Response response) {
    if (response.stream && !head_) return write_streamed(std::move(response));
    auto out = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status),
                                                                   version_ ? version_ : 11);
    if (!response.content_type.empty()) out->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) out->set(name, value);
    out->body() = std::move(response.body);
    out->keep_alive(keep_alive_ && !closing_);
    out->prepare_payload();
    if (head_) out->body().clear();  // the headers say what a GET would send; a HEAD answer has no body
    stream_.expires_after(std::chrono::seconds(options_.request_seconds));
    http::async_write(stream_, *out, [self = shared_from_this(), out](beast::error_code ec, std::size_t) {
      self->written(ec, out->keep_alive());
    });
  }

  /// After an answer: the next request on a kept-alive connection, else close.
  void written(beast::error_code ec, bool keep_alive) {
    busy_ = false;
    if (ec || !keep_alive) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.socket().close(ignored);
      return;
    }
    read_header();  // a pipelined request may be in the buffer already
  }

  /// A streamed answer: the head with Transfer-Encoding: chunked, then one chunk per piece of the producer,
  /// each made on a handler thread once the previous one is written (a slow reader slows the producer down
  /// instead of filling memory), then the last chunk.
  void write_streamed(Response response) {
    auto head = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(response.status),
                                                                   version_ ? version_ : 11);
    if (!response.content_type.empty()) head->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) head->set(name, value);
    head->keep_alive(keep_alive_ && !closing_);
    head->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*head);
    auto produce = std::make_shared<std::function<std::optional<std::string>()>>(std::move(response.stream));
    stream_.expires_after(std::chrono::seconds(options_.request_seconds));
    http::async_write_header(
        stream_, *serializer,
        [self = shared_from_this(), head, serializer, produce](beast::error_code ec, std::size_t) {
          if (ec) return self->written(ec, false);
          self->write_next_chunk(produce, head->keep_alive());
        });
  }

  void write_next_chunk(std::shared_ptr<std::function<std::optional<std::string>()>> produce,
                        bool keep_alive) {
    asio::post(waiting_, [self = shared_from_this(), produce, keep_alive,
                          guard = asio::make_work_guard(stream_.get_executor())] {
      auto piece = std::make_shared<std::optional<std::string>>();
      bool failed = false;
      try {
        *piece = (*produce)();
      } catch (const std::exception& e) {  // the status is sent: all that is left is to cut the answer short
        log::error("http.stream_failed", "error", e.what());
        failed = true;
      }
      asio::post(self->stream_.get_executor(), [self, produce, keep_alive, piece, failed] {
        if (failed) return self->written(asio::error::operation_aborted, false);
        self->stream_.expires_after(std::chrono::seconds(self->options_.request_seconds));
        if (!*piece) {
          return asio::async_write(
              self->stream_, http::make_chunk_last(),
              [self, keep_alive](beast::error_code ec, std::size_t) { self->written(ec, keep_alive); });
        }
        asio::async_write(self->stream_, http::make_chunk(asio::buffer(**piece)),
                          [self, produce, keep_alive, piece](beast::error_code ec, std::size_t) {
                            if (ec) return self->written(ec, false);
                            self->write_next_chunk(produce, keep_alive);
                          });
      });
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServerOptions& options_;
  const HttpHandlers& handlers_;
  asio::thread_pool& waiting_;
  Sessions& sessions_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;     // the request being answered is a HEAD
  bool busy_ = false;     // a request is being read, handled or answered
  bool closing_ = false;  // stop(): no further request
};

class Sessions {
 public:
  std::size_t add(Session* session, std::weak_ptr<Session> weak) {
    std::lock_guard lock(mutex_);
    open_.emplace(session, std::move(weak));
    return open_.size();
  }
  void remove(Session* session) {
    std::lock_guard lock(mutex_);
    open_.erase(session);
  }
  void close_all() {
    std::vector<std::shared_ptr<Session>> open;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [raw, weak] : open_) {
        if (auto s = weak.lock()) open.push_back(std::move(s));
      }
    }
    for (const auto& s : open) s->close();
  }

 private:
  std::mutex mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> open_;
};

Session::~Session() { sessions_.remove(this); }

/// Lets the process hold as many sockets as its hard limit allows (the soft limit is often 1,024).
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

class BeastServer final : public HttpServer {
 public:
  explicit BeastServer(const HttpServerOptions& options)
      : options_(options), ioc_(options.io_threads), acceptor_(ioc_),
        waiting_(static_cast<std::size_t>(options.threads)) {}

  ~BeastServer() override {
    stop();
    waiting_.join();
  }

  int bind(const std::string& host, int port) override {
    const std::string where = host + ":" + std::to_string(port);
    try {
      tcp::resolver resolver(ioc_);
      const auto endpoint = resolver.resolve(host, std::to_string(port)).begin()->endpoint();
      acceptor_.open(endpoint.protocol());
      // Reuse of an address in TIME_WAIT only; SO_REUSEPORT stays off, so a second server on a bound
      // port fails here instead of sharing its clients.
      acceptor_.set_option(asio::socket_base::reuse_address(true));
      acceptor_.bind(endpoint);
      acceptor_.listen(asio::socket_base::max_listen_connections);
      return acceptor_.local_endpoint().port();
    } catch (const boost::system::system_error& e) {
      const bool in_use = e.code() == asio::error::address_in_use;
      throw Error(Code::kUnavailable,
                  "cannot listen on " + where + ": " + e.code().message() +
                      (in_use ? " (is another mxn serve running? choose another api.port)" : ""),
                  "api.port");
    }
  }

  void serve(HttpHandlers handlers) override {
    handlers_ = std::move(handlers);
    raise_open_file_limit();
    asio::post(ioc_, [this] {
      if (!stopping_) accept();
    });
    std::vector<std::thread> loops;
    for (int i = 1; i < options_.io_threads; ++i) loops.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : loops) t.join();
    waiting_.join();  // every handler has returned
  }

  void stop() override {
    stopping_ = true;
    asio::post(ioc_, [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      retry_.cancel();
      sessions_.close_all();
    });
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || stopping_) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        auto session = std::make_shared<Session>(std::move(socket), options_, handlers_, waiting_, sessions_);
        if (sessions_.add(session.get(), session) > options_.max_connections) {
          log::warn("http.too_many_connections", "limit", options_.max_connections);
          session.reset();  // closes the socket
        } else {
          if (stopping_) session->close();
          session->start();
        }
      } else {
        // Out of descriptors, or the peer gave up before the accept: the loop goes on after a pause, so
        // that a lasting cause does not turn it into a busy loop.
        log::warn("http.accept_failed", "error", ec.message());
        retry_.expires_after(std::chrono::milliseconds(50));
        retry_.async_wait([this](beast::error_code) {
          if (!stopping_) accept();
        });
        return;
      }
      accept();
    });
  }

  HttpServerOptions options_;
  HttpHandlers handlers_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_{ioc_};
  asio::thread_pool waiting_;
  Sessions sessions_;
  std::atomic<bool> stopping_{false};
};

}  // namespace

std::unique_ptr<HttpServer> make_http_server(const HttpServerOptions& options) {
  return std::make_unique<BeastServer>(options);
}

}  // namespace mxn::api

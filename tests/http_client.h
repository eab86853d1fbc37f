#pragma once
// A blocking HTTP/1.1 client for tests (Boost.Beast): one kept-alive connection, reopened when the server
// closed it. Every call gives up after the timeout, so a missing answer fails a test instead of hanging it.

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace mxn::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

using HttpHeaders = std::map<std::string, std::string>;

class HttpClient {
 public:
  explicit HttpClient(int port, std::chrono::seconds timeout = std::chrono::seconds(120))
      : port_(port), timeout_(timeout) {}

  /// The reply, or nullopt when no answer came (refused, closed, timed out).
  std::optional<HttpReply> request(boost::beast::http::verb method, const std::string& target,
                                   const std::string& body = "", const std::string& content_type = "",
                                   const HttpHeaders& headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req(method, target, 11);
    req.set(http::field::host, "127.0.0.1");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = stream_.has_value();
      try {
        if (!stream_) connect();
        stream_->expires_after(timeout_);
        wait([&](auto done) { http::async_write(*stream_, req, done); });
        http::response_parser<http::string_body> parser;
        parser.body_limit(1ULL << 32);
        wait([&](auto done) { http::async_read(*stream_, buffer_, parser, done); });
        auto res = parser.release();
        HttpReply reply{
            .status = static_cast<int>(res.result_int()), .body = std::move(res.body()), .headers = {}};
        for (const auto& field : res) {
          std::string name(field.name_string().data(), field.name_string().size());
          for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          reply.headers[name] = std::string(field.value().data(), field.value().size());
        }
        if (!res.keep_alive()) stream_.reset();
        return reply;
      } catch (const boost::system::system_error&) {
        stream_.reset();
        if (!reused) break;  // a kept-alive connection the server had closed: once more on a new one
      }
    }
    return std::nullopt;
  }

  std::optional<HttpReply> get(const std::string& target, const HttpHeaders& headers = {}) {
    return request(boost::beast::http::verb::get, target, "", "", headers);
  }
  std::optional<HttpReply> post(const std::string& target, const std::string& body,
                                const std::string& content_type = "application/json",
                                const HttpHeaders& headers = {}) {
    return request(boost::beast::http::verb::post, target, body, content_type, headers);
  }

 private:
  /// Runs one asynchronous operation to its end (the stream's deadline applies only to those); throws its
  /// error.
  template <class Start>
  void wait(Start start) {
    boost::system::error_code result;
    start([&](boost::system::error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run();
    if (result) throw boost::system::system_error(result);
  }

  void connect() {
    namespace asio = boost::asio;
    stream_.emplace(io_);
    stream_->expires_after(timeout_);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(port_));
    wait([&](auto done) { stream_->async_connect(endpoint, done); });
    buffer_.clear();
  }

  int port_;
  std::chrono::seconds timeout_;
  boost::asio::io_context io_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace mxn::testing

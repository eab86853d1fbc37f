// The cpp-httplib server's connection handling, driven over raw sockets: keep-alive, pipelining,
// "Expect: 100-continue", bodies larger than the read buffer, the per-connection request limit and stop().

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>

#include "api/http_server.h"

namespace mxn::api {
namespace {

/// A server on a loopback port whose one handler echoes "<METHOD-less path>:<body>".
class RunningServer {
 public:
  explicit RunningServer(const HttpServerOptions& options) : server_(make_httplib_server(options)) {
    port_ = server_->bind("127.0.0.1", 0);
    serving_ = std::thread([this] {
      server_->serve({[](const Request& q, Response& r) {
                        r.content_type = "text/plain";
                        r.body = q.path + ":" + q.body;
                      },
                      [](int status, Response& r) { r.body = "refused " + std::to_string(status); }});
    });
  }
  ~RunningServer() { stop(); }

  void stop() {
    if (!serving_.joinable()) return;
    server_->stop();
    serving_.join();
  }
  int port() const { return port_; }

 private:
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::thread serving_;
};

/// A plain TCP client. Reads give up after 10 s, so a missing answer fails the test instead of hanging it.
class RawClient {
 public:
  explicit RawClient(int port) : sock_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(sock_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    timeval tv{.tv_sec = 10, .tv_usec = 0};
    ::setsockopt(sock_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawClient() { ::close(sock_); }

  bool connected() const { return connected_; }
  void send(const std::string& data) {
    ASSERT_EQ(::send(sock_, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
  }
  /// Reads until `text` has arrived; returns everything read up to and including it ("" on timeout or close).
  std::string read_through(const std::string& text) {
    for (;;) {
      if (auto at = buffer_.find(text); at != std::string::npos) {
        std::string head = buffer_.substr(0, at + text.size());
        buffer_.erase(0, at + text.size());
        return head;
      }
      if (!receive()) return "";
    }
  }
  /// Reads one response with a Content-Length body; returns its head and body, or "" on timeout or close.
  std::string read_response() {
    std::string head = read_through("\r\n\r\n");
    auto at = head.find("Content-Length: ");
    if (head.empty() || at == std::string::npos) return head;
    std::size_t length = std::stoul(head.substr(at + 16));
    while (buffer_.size() < length) {
      if (!receive()) return "";
    }
    std::string body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return head + body;
  }
  /// True when the server has closed the connection (and sent nothing more).
  bool closed_by_server() { return buffer_.empty() && !receive(); }

 private:
  bool receive() {
    char chunk[4096];
    ssize_t n = ::recv(sock_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int sock_;
  bool connected_ = false;
  std::string buffer_;
};

std::string post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

std::string body_of(const std::string& response) { return response.substr(response.find("\r\n\r\n") + 4); }

TEST(HttplibServerTest, PipelinedRequestsAreAllAnsweredInOrder) {
  RunningServer server({.threads = 2});
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  client.send(post("/a", "one") + post("/b", "two") + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(client.read_response()), "/a:one");
  EXPECT_EQ(body_of(client.read_response()), "/b:two");
  EXPECT_EQ(body_of(client.read_response()), "/c:");
}

TEST(HttplibServerTest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  RunningServer server({.threads = 2});
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  client.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_NE(client.read_through("\r\n\r\n").find("100 Continue"), std::string::npos);
  client.send("hello");
  std::string response = client.read_response();
  EXPECT_NE(response.find("200 OK"), std::string::npos);
  EXPECT_EQ(body_of(response), "/upload:hello");
}

TEST(HttplibServerTest, BodiesLargerThanTheReadBufferArriveWhole) {
  RunningServer server({.threads = 2});
  std::string body(1 << 20, ' ');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  httplib::Client client("127.0.0.1", server.port());
  auto first = client.Post("/big", body, "text/plain");
  auto second = client.Post("/small", "x", "text/plain");  // the same kept-alive connection
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->body, "/big:" + body);
  EXPECT_EQ(second->body, "/small:x");
}

TEST(HttplibServerTest, TheLastRequestAllowedOnAConnectionClosesIt) {
  RunningServer server({.threads = 2, .keep_alive_max_requests = 2});
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  client.send(post("/a", "1") + post("/b", "2"));
  EXPECT_EQ(client.read_response().find("Connection: close"), std::string::npos);
  std::string last = client.read_response();
  EXPECT_NE(last.find("Connection: close"), std::string::npos);
  EXPECT_EQ(body_of(last), "/b:2");
  EXPECT_TRUE(client.closed_by_server());
}

TEST(HttplibServerTest, StopClosesConnectionsWaitingForTheirNextRequest) {
  // With an hour of keep-alive, stop() returns only because it closes the idle connection itself.
  RunningServer server({.threads = 2, .keep_alive_seconds = 3600});
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  client.send(post("/a", "1"));
  EXPECT_EQ(body_of(client.read_response()), "/a:1");
  server.stop();
  EXPECT_TRUE(client.closed_by_server());
}

}  // namespace
}  // namespace mxn::api

// The HTTP server's connection handling, driven over raw sockets: keep-alive, pipelining, "Expect:
// 100-continue", bodies larger than the read buffer, size limits for every transfer encoding, conflicting
// lengths, time-outs of idle and slow connections, a second server on a bound port, and stop().

#include "api/http_server.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <thread>

#include "http_client.h"
#include "raw_client.h"

namespace mxn::api {
namespace {

/// A server on a loopback port whose one handler echoes "<METHOD-less path>:<body>".
class RunningServer {
 public:
  explicit RunningServer(const HttpServerOptions& options) : server_(make_http_server(options)) {
    port_ = server_->bind("127.0.0.1", 0);
    serving_ = std::thread([this] {
      server_->serve({[](const Request& q, Response& r) {
                        r.content_type = "text/plain";
                        r.body = q.path + ":" + q.body;
                      },
                      {},
                      [](int status, const Error& e, Response& r) {
                        r.content_type = "text/plain";
                        r.body = "refused " + std::to_string(status) + " " + e.field();
                      }});
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

std::string post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

std::string body_of(const std::string& response) { return response.substr(response.find("\r\n\r\n") + 4); }

/// The response to `request`, sent on a new connection to a new server with `options`; `closed`, when
/// given, tells whether the server closed the connection after it.
std::string response_to(const HttpServerOptions& options, const std::string& request, bool* closed = nullptr) {
  RunningServer server(options);
  testing::RawClient client(server.port());
  if (!client.connected() || !client.send(request)) return "";
  std::string response = client.read_response();
  if (closed) *closed = client.closed_by_server();
  return response;
}

TEST(HttpServerTest, PipelinedRequestsAreAllAnsweredInOrder) {
  RunningServer server({.threads = 2});
  testing::RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(post("/a", "one") + post("/b", "two") + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(body_of(client.read_response()), "/a:one");
  EXPECT_EQ(body_of(client.read_response()), "/b:two");
  EXPECT_EQ(body_of(client.read_response()), "/c:");
}

TEST(HttpServerTest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  RunningServer server({.threads = 2});
  testing::RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(
      client.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  EXPECT_NE(client.read_through("\r\n\r\n").find("100 Continue"), std::string::npos);
  ASSERT_TRUE(client.send("hello"));
  std::string response = client.read_response();
  EXPECT_NE(response.find("200 OK"), std::string::npos);
  EXPECT_EQ(body_of(response), "/upload:hello");
}

TEST(HttpServerTest, BodiesLargerThanTheReadBufferArriveWhole) {
  RunningServer server({.threads = 2});
  std::string body(1 << 20, ' ');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  testing::HttpClient client(server.port());
  auto first = client.post("/big", body, "text/plain");
  auto second = client.post("/small", "x", "text/plain");  // the same kept-alive connection
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->body, "/big:" + body);
  EXPECT_EQ(second->body, "/small:x");
}

TEST(HttpServerTest, ConnectionCloseIsHonoured) {
  bool closed = false;
  const std::string response =
      response_to({.threads = 2}, "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &closed);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_EQ(body_of(response), "/a:");
  EXPECT_TRUE(closed);
}

TEST(HttpServerTest, ADeclaredBodyOverTheLimitIsRefusedBeforeItIsSent) {
  bool closed = false;
  const std::string response = response_to(
      {.threads = 2, .max_body_bytes = 1000}, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n\r\n",
      &closed);
  EXPECT_NE(response.find("413"), std::string::npos);
  EXPECT_EQ(body_of(response), "refused 413 body");
  EXPECT_TRUE(closed);
}

TEST(HttpServerTest, AChunkedBodyOverTheLimitIsRefusedOnceItPassesIt) {
  RunningServer server({.threads = 2, .max_body_bytes = 1000});
  testing::RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "100\r\n" + std::string(256, '[') + "\r\n";
  for (int i = 0; i < 5; ++i) client.send(chunk);  // 1,280 bytes: past the limit; the rest never comes
  std::string response = client.read_response();
  EXPECT_NE(response.find("413"), std::string::npos);
  EXPECT_EQ(body_of(response), "refused 413 body");
}

TEST(HttpServerTest, AChunkedBodyUnderTheLimitArrives) {
  const std::string response = response_to(
      {.threads = 2, .max_body_bytes = 1000},
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(body_of(response), "/a:abcde");
}

TEST(HttpServerTest, ConflictingContentLengthsAreRefused) {
  const std::string response = response_to(
      {.threads = 2}, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde");
  EXPECT_NE(response.find("400"), std::string::npos);
  EXPECT_EQ(body_of(response), "refused 400 request");
}

TEST(HttpServerTest, AHeaderOverTheLimitGets431) {
  const std::string response =
      response_to({.threads = 2, .max_header_bytes = 2048},
                  "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  EXPECT_NE(response.find("431"), std::string::npos);
  EXPECT_EQ(body_of(response), "refused 431 headers");
}

TEST(HttpServerTest, APostWithNeitherBodyNorLengthIsAnsweredAtOnce) {
  const std::string response = response_to({.threads = 2}, "POST /train HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(response), "/train:");  // what `curl -X POST URL` sends
}

TEST(HttpServerTest, ATargetThatIsNotUtf8IsRefusedNamingThePart) {
  const std::string response = response_to({.threads = 2}, "GET /a?name=%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(response), "refused 400 name");
}

TEST(HttpServerTest, ASlowHeaderIsCutOffAndBlocksNobody) {
  RunningServer server({.threads = 1, .idle_seconds = 1});
  testing::RawClient slow(server.port());
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.send("GET /a HTTP/1.1\r\nHost: x\r\n"));  // and never the end of the header
  testing::RawClient other(server.port());
  ASSERT_TRUE(other.connected());
  ASSERT_TRUE(other.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(body_of(other.read_response()), "/b:");
  EXPECT_TRUE(slow.closed_by_server());  // after the idle time-out, within the client's 10 s
}

TEST(HttpServerTest, AHandlerThatWaitsHoldsNoEventLoop) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto server = make_http_server({.io_threads = 1, .threads = 2});
  const int port = server->bind("127.0.0.1", 0);
  std::thread serving([&] {
    server->serve({[&](const Request& q, Response& r) {
                     if (q.path == "/wait") released.wait();
                     r.body = q.path;
                   },
                   [](const Request& q) { return q.path == "/wait"; }, [](int, const Error&, Response&) {}});
  });
  testing::RawClient waiting(port);
  ASSERT_TRUE(waiting.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"));
  testing::HttpClient other(port, std::chrono::seconds(5));
  auto fast = other.get("/fast");  // the one event loop is free while /wait holds a waiting thread
  release.set_value();
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->body, "/fast");
  EXPECT_EQ(body_of(waiting.read_response()), "/wait");
  server->stop();
  serving.join();
}

TEST(HttpServerTest, ASecondServerOnABoundPortFailsClearly) {
  RunningServer server({.threads = 1});
  auto second = make_http_server({.threads = 1});
  try {
    second->bind("127.0.0.1", server.port());
    FAIL() << "the second bind succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("another mxn serve"), std::string::npos) << e.what();
  }
}

TEST(HttpServerTest, StopClosesConnectionsWaitingForTheirNextRequest) {
  // With an hour of keep-alive, stop() returns only because it closes the idle connection itself.
  RunningServer server({.threads = 2, .idle_seconds = 3600});
  testing::RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(post("/a", "1")));
  EXPECT_EQ(body_of(client.read_response()), "/a:1");
  server.stop();
  EXPECT_TRUE(client.closed_by_server());
}

}  // namespace
}  // namespace mxn::api

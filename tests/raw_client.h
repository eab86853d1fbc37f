#pragma once
// A plain TCP client for tests, for what an HTTP client library will not send (pipelined, slow, malformed
// or oversized requests). Every wait gives up after 10 s, so a missing answer fails a test instead of hanging
// it. A signal (libFuzzer's timer) interrupts no call: each resumes.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace mxn::testing {

class RawClient {
 public:
  explicit RawClient(int port) : sock_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(sock_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    if (!connected_ && errno == EINTR) {  // the connection goes on: wait for its outcome
      pollfd p{.fd = sock_, .events = POLLOUT, .revents = 0};
      int error = 0;
      socklen_t length = sizeof error;
      while (::poll(&p, 1, 10000) < 0 && errno == EINTR) {
      }
      connected_ = (p.revents & POLLOUT) && ::getsockopt(sock_, SOL_SOCKET, SO_ERROR, &error, &length) == 0 &&
                   error == 0;
    }
    timeval tv{.tv_sec = 10, .tv_usec = 0};
    ::setsockopt(sock_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(sock_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  ~RawClient() { ::close(sock_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  /// False once the server has closed the connection or stopped reading it.
  bool send(const std::string& data) {
    for (std::size_t sent = 0; sent < data.size();) {
      const ssize_t n = ::send(sock_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  /// Sends no more (the server reads end of stream); reading goes on.
  void half_close() { ::shutdown(sock_, SHUT_WR); }
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
  /// Everything the server sends until it closes the connection or is quiet for 10 s.
  std::string read_all() {
    while (receive()) {
    }
    return std::exchange(buffer_, std::string());
  }
  /// True when the server has closed the connection (and sent nothing more).
  bool closed_by_server() { return buffer_.empty() && !receive(); }

 private:
  bool receive() {
    char chunk[4096];
    ssize_t n;
    while ((n = ::recv(sock_, chunk, sizeof(chunk), 0)) < 0 && errno == EINTR) {
    }
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int sock_;
  bool connected_ = false;
  std::string buffer_;
};

}  // namespace mxn::testing

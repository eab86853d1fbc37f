// Fuzz target: the bytes a client sends on one connection, to the real HTTP server (Boost.Beast) with the
// real App (routing, percent-decoding, API keys, 415, JSON bodies) over a few routes. The client then
// half-closes and reads until the server closes. Promises: no request gets a 5xx (checked where the server
// answers), every answer is HTTP, and the server keeps serving.

#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "api/app.h"
#include "api/http_server.h"
#include "api/json_input.h"
#include "core/log.h"
#include "raw_client.h"

namespace {

using namespace mxn;
using namespace mxn::api;

void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_http: %s\n---\n%s\n", what.c_str(), detail.c_str());
  std::abort();
}

void check(const Response& response) {
  if (response.status >= 500) fail("a " + std::to_string(response.status) + " answer", response.body);
}

std::vector<Route> routes() {
  auto echo = [](const Request& r) {
    nlohmann::json out{{"params", r.path_params}, {"body", parse_object(r)}};
    for (const auto& [k, v] : r.query) out["query"][k] = v;
    return Response{.body = out.dump()};
  };
  std::vector<Route> routes;
  routes.push_back({.method = Method::kGet,
                    .pattern = "/health",
                    .handler = [](const Request&) { return Response{.body = R"({"status":"ok"})"}; },
                    .needs_key = false});
  routes.push_back(
      {.method = Method::kGet, .pattern = "/items/{domain}/{item_id}", .handler = [](const Request& r) {
         return Response{.body = nlohmann::json{{"item", r.path_param("item_id")}}.dump()};
       }});
  routes.push_back({.method = Method::kPost,
                    .pattern = "/echo/{id}",
                    .handler = echo,
                    .request_schema = {{"type", "object"}}});
  routes.push_back({.method = Method::kPut,
                    .pattern = "/echo/{id}",
                    .handler = echo,
                    .request_schema = {{"type", "object"}},
                    .waits = true});
  return routes;
}

struct Running {
  Metrics metrics;
  App app{routes(), {"fuzz-key-0123456789"}, metrics};
  std::unique_ptr<HttpServer> server = make_http_server(
      {.io_threads = 1, .threads = 2, .max_body_bytes = 4096, .max_header_bytes = 2048, .idle_seconds = 2});
  int port = server->bind("127.0.0.1", 0);
  std::thread thread{[this] {
    server->serve(
        {.dispatch = [this](const Request& q, Response& r) { app.dispatch(q, r), check(r); },
         .waits = [this](Request& q) { return app.waits(q); },
         .reject = [this](int status, const Error& e, Response& r) { app.reject(status, e, r), check(r); }});
  }};
};

Running& running() {
  static Running* r = [] {
    log::set_level("error");
    return new Running;  // never destroyed: the fuzzer exits the process
  }();
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Running& r = running();
  testing::RawClient client(r.port);
  if (!client.connected()) fail(std::string("cannot connect: ") + std::strerror(errno), "");
  client.send(std::string(reinterpret_cast<const char*>(data), size));
  client.half_close();
  const std::string answer = client.read_all();
  if (!answer.empty() && answer.rfind("HTTP/1.", 0) != 0) fail("an answer that is not HTTP", answer);
  return 0;
}

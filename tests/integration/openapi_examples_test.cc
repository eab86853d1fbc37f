// Every route of the table has an example call, shown in the OpenAPI document, and the seeded server answers
// each one with a status the document lists: the examples a user copies from /docs work as written.

#include <string>
#include <vector>

#include "api/routes.h"
#include "integration/api_fixture.h"

namespace mxn::api {
namespace {

boost::beast::http::verb verb_of(Method m) {
  using boost::beast::http::verb;
  switch (m) {
    case Method::kGet:
      return verb::get;
    case Method::kPost:
      return verb::post;
    case Method::kPut:
      return verb::put;
    case Method::kDelete:
      return verb::delete_;
    case Method::kPatch:
      return verb::patch;
    default:
      return verb::unknown;
  }
}

TEST_F(ApiTest, EveryRouteHasAnExampleTheServerAnswersAsDocumented) {
  const auto routes = make_routes(server->services());
  const json doc = get("/openapi.json");
  std::vector<const Route*> order;  // deletions last, so that the other examples find what they name
  for (const auto& r : routes) {
    if (r.method != Method::kDelete) order.push_back(&r);
  }
  for (const auto& r : routes) {
    if (r.method == Method::kDelete) order.push_back(&r);
  }
  std::string job_id;  // a job the train example queued, for GET /training/jobs/{job_id}
  for (const Route* r : order) {
    const std::string name = std::string(method_name(r->method)) + " " + r->pattern;
    ASSERT_FALSE(r->example_target.empty()) << name;
    Request example;
    parse_target(r->example_target, example);
    const auto match = Router({*r}).match(r->method, example.path);
    EXPECT_NE(match.route, nullptr) << name << ": the example's path does not fit the pattern";
    for (const auto& parameter : example.query) {  // (not a structured binding: clang 14 cannot capture one)
      const std::string& key = parameter.first;
      EXPECT_TRUE(std::any_of(r->query_params.begin(), r->query_params.end(),
                              [&](const QueryParam& q) { return q.name == key; }))
          << name << ": undocumented query parameter " << key;
    }
    EXPECT_EQ(r->request_schema.is_null(), r->example_body.is_null())
        << name << ": a body route needs a body";

    std::string method(method_name(r->method));
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const json& op = doc["paths"][r->pattern][method];
    for (const auto& p : op.value("parameters", json::array())) {
      EXPECT_TRUE(p.contains("example")) << name << ": parameter " << p["name"] << " has no example";
    }
    if (op.contains("requestBody")) {
      EXPECT_EQ(op["requestBody"]["content"]["application/json"]["example"], r->example_body) << name;
    }

    std::string target = r->example_target;
    if (r->pattern == "/training/jobs/{job_id}") {
      ASSERT_FALSE(job_id.empty()) << "the train example ran first";
      target = "/training/jobs/" + job_id;
    }
    const auto res =
        client->request(verb_of(r->method), target, r->example_body.is_null() ? "" : r->example_body.dump(),
                        r->example_body.is_null() ? "" : "application/json");
    ASSERT_TRUE(res) << name;
    EXPECT_TRUE(op["responses"].contains(std::to_string(res->status)) && res->status < 300)
        << name << " answered " << res->status << ": " << res->body.substr(0, 300);
    if (r->pattern == "/training/train") job_id = json::parse(res->body)["job_id"];
  }
}

}  // namespace
}  // namespace mxn::api

// Fuzz target: one request to a real mxn's App (api::Runtime: every route of the API, the shipped config, a
// small seeded and trained warehouse). Input: a first line "METHOD /target?query", then the JSON body; sent as
// application/json. Promise: no request gets a 5xx — bad input is a 4xx naming its field — and nothing
// crashes or trips a sanitizer.

#include "api/routes.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/server.h"
#include "core/log.h"
#include "engine/model_store.h"
#include "training/training_pipeline.h"
#include "unit/training/seeded_warehouse.h"

namespace {

using namespace mxn;
using namespace mxn::api;

config::Config shipped_config() {
  config::Config c = config::load(MXN_SOURCE_DIR "/config/config.yaml");
  return c;
}

struct Running {
  testing::SeededWarehouse seeded{testing::small_seed(50, 60, 3000, {"movies", "music", "tasks", "notes"}),
                                  shipped_config()};
  std::unique_ptr<Runtime> runtime;

  Running() {
    engine::ModelStore store(seeded.config.models.store_dir, 3);
    training::TrainingPipeline(*seeded.warehouse, store, seeded.config).run("movies");
    runtime = std::make_unique<Runtime>(seeded.config, false);
  }
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
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto line_end = input.find('\n');
  const std::string_view line = input.substr(0, line_end);
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return -1;  // not a request: keep it out of the corpus
  const Method method = method_from_name(line.substr(0, space));
  if (method == Method::kOther) return -1;
  Request request{.method = method};
  try {
    parse_target(line.substr(space + 1), request);  // the HTTP layer answers 400 to what this refuses
  } catch (const Error&) {
    return -1;
  }
  request.headers["content-type"] = "application/json";
  if (line_end != std::string_view::npos) request.body = input.substr(line_end + 1);
  Response response;
  r.runtime->app().waits(request);
  // A training or evaluation waited for runs the whole pipeline inside this call: under the sanitizers longer
  // than the fuzzer's time-out per input (CI found "POST /training/train?vomain=notes&wait=true", every
  // domain), and not what is fuzzed here, the request's validation. Such jobs are queued, not waited for.
  if (request.route != nullptr && request.route->pattern.starts_with("/training/")) {
    for (auto& [name, value] : request.query) {
      if (name == "wait" && (value == "true" || value == "1")) value = "false";
    }
  }
  r.runtime->app().dispatch(request, response);
  if (response.stream) {  // a streamed answer (the batch): every line is made, as a client reading it would
    while (auto piece = response.stream()) response.body += *piece;
  }
  if (response.status >= 500 || response.body.find("\"code\":\"internal\"") != std::string::npos) {
    std::fprintf(stderr, "fuzz_routes: %d for %.*s\n%s\n", response.status, static_cast<int>(line.size()),
                 line.data(), response.body.c_str());
    std::abort();
  }
  return 0;
}

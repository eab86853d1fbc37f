// _mxn: the C++ side of the Python package `mxn` (python/mxn/). One class, Runtime: a running mxn in this
// process (api::Runtime: warehouse, engine, tracker, training, served-list log) that answers API requests
// exactly as the server does (call) plus a direct recommend() for the hot path. Errors leave as
// _mxn.CallError(status, error_body_json), the server's status and body, which mxn/errors.py maps to
// Python exceptions. The GIL is released while C++ works.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <unordered_map>

#include "api/handlers.h"
#include "api/runtime.h"
#include "core/config.h"
#include "core/log.h"
#include "core/time.h"

namespace py = pybind11;

namespace mxn::python {
namespace {

/// An answer that is not a success, as the server would send it.
struct CallFailed {
  int status;
  std::string body;
};

[[noreturn]] void fail(const Error& e) { throw CallFailed{api::http_status(e.code()), api::error_body(e)}; }

class Runtime {
 public:
  Runtime(const std::string& config_path, const std::vector<std::string>& env) {
    try {
      config::Config config = config::load(config_path, env);
      log::set_level(config.log_level);
      runtime_ = std::make_unique<api::Runtime>(std::move(config), /*with_scheduler=*/false);
    } catch (const Error& e) {
      fail(e);
    }
  }

  /// `method` `target` (path and query, %-encoded) with a JSON `body`: the server's (status, body).
  std::pair<int, std::string> call(const std::string& method, const std::string& target,
                                   const std::string& body) {
    api::Request request{.method = api::method_from_name(method), .body = body};
    try {
      api::parse_target(target, request);
    } catch (const Error& e) {
      fail(e);
    }
    request.headers["content-type"] = "application/json";
    api::Runtime& running = runtime();
    const auto& keys = running.config().api.keys;
    if (!keys.empty()) request.headers["x-api-key"] = keys.front();  // this process is trusted
    api::Response response;
    running.app().waits(request);
    running.app().dispatch(request, response);
    if (response.stream) {  // a streamed answer (the batch), read to its end
      while (auto piece = response.stream()) response.body += *piece;
    }
    return {response.status, std::move(response.body)};
  }

  /// POST /recommendations without the JSON in between: the same list and log, as plain values.
  engine::Recommendations recommend(engine::RecommendRequest request, std::string& generated_at) {
    try {
      auto [recs, now] = api::recommend_and_log(runtime().services(), request);
      generated_at = format_iso8601(now);
      return std::move(recs);
    } catch (const Error& e) {
      fail(e);
    }
  }

  void close() { runtime_.reset(); }

 private:
  api::Runtime& runtime() {
    if (!runtime_) fail(Error(Code::kFailedPrecondition, "this engine is closed"));
    return *runtime_;
  }

  std::unique_ptr<api::Runtime> runtime_;
};

/// Python strings made once, for the texts every answer repeats: its keys and the model names. Never freed
/// (the interpreter may be gone when statics are destroyed); used with the GIL held.
py::handle interned(const std::string& text) {
  static auto* made = new std::unordered_map<std::string, py::object>();
  auto it = made->find(text);
  if (it == made->end()) {
    it = made->emplace(text, py::reinterpret_steal<py::object>(PyUnicode_InternFromString(text.c_str())))
             .first;
  }
  return it->second;
}

py::dict item_dict(const engine::RecommendedItem& item) {
  py::dict d;
  d[interned("item_id")] = item.item_id;
  d[interned("title")] = item.title;
  d[interned("score")] = item.score;
  d[interned("rank")] = item.rank;
  d[interned("reason")] = item.reason;
  py::dict contributions;
  for (const auto& [model, part] : item.contributions) contributions[interned(model)] = part;
  d[interned("contributions")] = std::move(contributions);
  return d;
}

}  // namespace
}  // namespace mxn::python

PYBIND11_MODULE(_mxn, m) {
  using mxn::python::CallFailed;
  using mxn::python::Runtime;
  mxn::log::to_stderr();
  m.doc() = "The C++ core of mxn; use the `mxn` package (RecommendationEngine, BehaviorTracker).";
  static py::exception<CallFailed> call_error(m, "CallError");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const CallFailed& e) {
      PyErr_SetObject(call_error.ptr(), py::make_tuple(e.status, e.body).ptr());
    }
  });
  py::class_<Runtime>(m, "Runtime", "mxn running in this process (warehouse, models, tracker, training).")
      .def(py::init<const std::string&, const std::vector<std::string>&>(), py::arg("config_path"),
           py::arg("env"), py::call_guard<py::gil_scoped_release>(),
           "Opens the warehouse of the config at config_path ('' = defaults) with env ('MXN_KEY=value').")
      .def("call", &Runtime::call, py::arg("method"), py::arg("target"), py::arg("body"),
           py::call_guard<py::gil_scoped_release>(),
           "An API request: (status, JSON body) as the server answers.")
      .def(
          "recommend",
          [](Runtime& r, std::string user_id, std::string domain, std::size_t top_k,
             std::vector<std::string> model_types, std::string query_text) {
            std::string generated_at;
            mxn::engine::Recommendations recs;
            {
              py::gil_scoped_release release;
              recs = r.recommend({.user_id = std::move(user_id),
                                  .domain = std::move(domain),
                                  .top_k = top_k,
                                  .model_types = std::move(model_types),
                                  .query_text = std::move(query_text)},
                                 generated_at);
            }
            using mxn::python::interned;
            py::list items(recs.items.size());
            for (std::size_t i = 0; i < recs.items.size(); ++i)
              items[i] = mxn::python::item_dict(recs.items[i]);
            py::list models_used;
            for (const auto& model : recs.models_used) models_used.append(interned(model));
            py::dict out;
            out[interned("user_id")] = recs.user_id;
            out[interned("domain")] = recs.domain;
            out[interned("generated_at")] = generated_at;
            out[interned("cold_start")] = recs.cold_start;
            out[interned("models_used")] = std::move(models_used);
            out[interned("count")] = recs.items.size();
            out[interned("items")] = std::move(items);
            return out;
          },
          py::arg("user_id"), py::arg("domain"), py::arg("top_k"), py::arg("model_types"),
          py::arg("query_text"), "POST /recommendations' answer as a dict, without JSON in between.")
      .def("close", &Runtime::close, py::call_guard<py::gil_scoped_release>(),
           "Stops training and the served-list writer and closes the warehouse.");
}

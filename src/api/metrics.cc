#include "api/metrics.h"

#include <fmt/format.h>

namespace mxn::api {

namespace {
// Label values are quoted with \, " and newline escaped, as the exposition format requires.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

void Metrics::Histogram::observe(double v) {
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (v <= kBuckets[i]) ++buckets[i];
  }
  ++count;
  sum += v;
}

void Metrics::observe_request(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{method, route, status}];
  latency_[{method, route}].observe(seconds);
}

void Metrics::add_interactions(const std::string& domain, std::size_t n) {
  std::lock_guard lock(mutex_);
  interactions_[domain] += n;
}

void Metrics::set_model_version(const std::string& domain, const std::string& model, int version) {
  std::lock_guard lock(mutex_);
  versions_[{domain, model}] = version;
}

void Metrics::observe_training(const std::string& domain, const std::string& status, double seconds) {
  std::lock_guard lock(mutex_);
  training_[{domain, status}].observe(seconds);
}

void Metrics::add_held_back(const std::string& domain, const std::string& model) {
  std::lock_guard lock(mutex_);
  ++held_back_[{domain, model}];
}

void Metrics::add_served_lists(std::uint64_t written, std::uint64_t dropped) {
  std::lock_guard lock(mutex_);
  served_written_ += written;
  served_dropped_ += dropped;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto histogram = [&out](const std::string& name, const std::string& labels, const Histogram& h) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", name, labels, kBuckets[i], h.buckets[i]);
    }
    out += fmt::format("{}_bucket{{{},le=\"+Inf\"}} {}\n", name, labels, h.count);
    out += fmt::format("{}_sum{{{}}} {}\n", name, labels, h.sum);
    out += fmt::format("{}_count{{{}}} {}\n", name, labels, h.count);
  };
  out += "# HELP mxn_http_requests_total HTTP requests served, by method, route and status.\n";
  out += "# TYPE mxn_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format("mxn_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n", label(method),
                       label(route), status, n);
  }
  out += "# HELP mxn_http_request_duration_seconds Time to serve a request, by method and route.\n";
  out += "# TYPE mxn_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    histogram("mxn_http_request_duration_seconds",
              fmt::format("method=\"{}\",route=\"{}\"", label(key.first), label(key.second)), h);
  }
  out += "# HELP mxn_interactions_ingested_total Interactions committed through the API, by domain.\n";
  out += "# TYPE mxn_interactions_ingested_total counter\n";
  for (const auto& [domain, n] : interactions_) {
    out += fmt::format("mxn_interactions_ingested_total{{domain=\"{}\"}} {}\n", label(domain), n);
  }
  out += "# HELP mxn_model_version Version of the model being served, by domain and model.\n";
  out += "# TYPE mxn_model_version gauge\n";
  for (const auto& [key, v] : versions_) {
    out += fmt::format("mxn_model_version{{domain=\"{}\",model=\"{}\"}} {}\n", label(key.first), label(key.second), v);
  }
  out += "# HELP mxn_training_duration_seconds Duration of training runs, by domain and outcome.\n";
  out += "# TYPE mxn_training_duration_seconds histogram\n";
  for (const auto& [key, h] : training_) {
    histogram("mxn_training_duration_seconds",
              fmt::format("domain=\"{}\",status=\"{}\"", label(key.first), label(key.second)), h);
  }
  out +=
      "# HELP mxn_models_held_back_total Trained model versions the quality gate kept from being served.\n";
  out += "# TYPE mxn_models_held_back_total counter\n";
  for (const auto& [key, n] : held_back_) {
    out += fmt::format("mxn_models_held_back_total{{domain=\"{}\",model=\"{}\"}} {}\n", label(key.first),
                       label(key.second), n);
  }
  out +=
      "# HELP mxn_served_lists_written_total Served recommendation lists written to the recommendations "
      "table.\n";
  out += "# TYPE mxn_served_lists_written_total counter\n";
  out += fmt::format("mxn_served_lists_written_total {}\n", served_written_);
  out += "# HELP mxn_served_lists_dropped_total Served lists not written: the table's writer fell behind.\n";
  out += "# TYPE mxn_served_lists_dropped_total counter\n";
  out += fmt::format("mxn_served_lists_dropped_total {}\n", served_dropped_);
  return out;
}

}  // namespace mxn::api

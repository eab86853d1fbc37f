#pragma once
// Process metrics in the Prometheus text exposition format: HTTP requests and latency per route and
// status, interactions ingested, model versions, training durations, models held back by the quality gate,
// served lists logged and dropped.
// Thread-safe.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace mxn::api {

class Metrics {
 public:
  /// One served request: `route` is the pattern ("/items/{domain}/{item_id}"), not the raw path.
  void observe_request(const std::string& method, const std::string& route, int status, double seconds);
  void add_interactions(const std::string& domain, std::size_t n);
  void set_model_version(const std::string& domain, const std::string& model, int version);
  void observe_training(const std::string& domain, const std::string& status, double seconds);
  /// A trained model version the quality gate kept from being served.
  void add_held_back(const std::string& domain, const std::string& model);
  /// Served lists written to the recommendations table, and dropped because its writer fell behind.
  void add_served_lists(std::uint64_t written, std::uint64_t dropped);
  /// The whole exposition, "# HELP"/"# TYPE" lines included.
  std::string render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
    void observe(double v);
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // method, route, status
  std::map<std::pair<std::string, std::string>, Histogram> latency_;               // method, route
  std::map<std::string, std::uint64_t> interactions_;                              // domain
  std::map<std::pair<std::string, std::string>, int> versions_;                    // domain, model
  std::map<std::pair<std::string, std::string>, Histogram> training_;              // domain, status
  std::map<std::pair<std::string, std::string>, std::uint64_t> held_back_;         // domain, model
  std::uint64_t served_written_ = 0;
  std::uint64_t served_dropped_ = 0;
};

}  // namespace mxn::api

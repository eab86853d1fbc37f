// POST /training/train?domain=&wait=, POST /training/evaluate?domain=&split=&last=&k=&wait=,
// GET /training/stats?domain=, GET /training/jobs/{job_id}.

#include "api/handlers.h"
#include "api/json_input.h"
#include "core/time.h"
#include "core/utf8.h"

namespace mxn::api {

namespace {

nlohmann::json time_or_null(std::int64_t us) { return us > 0 ? nlohmann::json(format_iso8601(us)) : nlohmann::json(); }

nlohmann::json summary_json(const training::TrainingSummary& s) {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : s.models) {
    models.push_back({{"model", m.model},
                      {"type", m.type_name},
                      {"status", m.status},
                      {"version", m.version},
                      {"error", m.error.empty() ? nlohmann::json() : nlohmann::json(m.error)},
                      {"seconds", m.seconds},
                      {"metrics", training::metrics_json(m.metrics)}});
  }
  return {{"domain", s.domain},
          {"status", s.status},
          {"reason", s.reason.empty() ? nlohmann::json() : nlohmann::json(s.reason)},
          {"users", s.n_users},
          {"items", s.n_items},
          {"interactions", s.n_interactions},
          {"seconds", s.seconds},
          {"models", models}};
}

nlohmann::json job_json(const training::TrainingJob& job) {
  nlohmann::json summaries = nlohmann::json::array();
  for (const auto& s : job.summaries) summaries.push_back(summary_json(s));
  return {{"job_id", job.id},
          {"kind", job.kind},
          {"status", job.status},
          {"trigger", job.trigger},
          {"tune", job.tune},
          {"domains", job.domains},
          {"error", job.error.empty() ? nlohmann::json() : nlohmann::json(job.error)},
          {"created_at", time_or_null(job.created_us)},
          {"started_at", time_or_null(job.started_us)},
          {"finished_at", time_or_null(job.finished_us)},
          {"summaries", summaries},
          {"evaluation", job.evaluation}};
}

/// The optional `wait` parameter: true or false.
bool wait_param(const Request& r) {
  const auto w = r.query_param("wait");
  if (w && *w != "true" && *w != "false" && *w != "1" && *w != "0") {
    throw Error(Code::kInvalidArgument, "must be true or false", "wait");
  }
  return w && (*w == "true" || *w == "1");
}

/// 202 with the queued job, or with wait=true 200 once it has finished.
Response job_response(Services& s, const std::string& id, bool wait) {
  if (wait) return json_response(200, job_json(s.training.wait(id)));
  return json_response(202, job_json(*s.training.job(id)));
}

}  // namespace

Response post_train(Services& s, const Request& r) {
  std::vector<std::string> domains;
  if (auto d = r.query_param("domain"); d && !d->empty()) domains.push_back(*d);
  const bool wait = wait_param(r);
  return job_response(s, s.training.submit(domains, "manual"), wait);
}

Response post_evaluate(Services& s, const Request& r) {
  const auto domain = r.query_param("domain");
  if (!domain || domain->empty()) throw Error(Code::kInvalidArgument, "is required", "domain");
  training::EvaluationOptions options{.max_users =
                                          static_cast<std::size_t>(s.config.training.eval_max_users)};
  if (auto split = r.query_param("split")) {
    if (*split != "random" && *split != "temporal" && *split != "loo") {
      throw Error(Code::kInvalidArgument, "must be random, temporal or loo", "split");
    }
    options.split = *split;
  }
  options.k = query_count(r, "k", options.k, 1, training::kMaxEvaluationK);
  options.last = static_cast<int>(query_count(r, "last", 1, 1, 1000));
  const bool wait = wait_param(r);
  return job_response(s, s.training.submit_evaluation(*domain, options), wait);
}

Response get_training_job(Services& s, const Request& r) {
  auto job = s.training.job(r.path_param("job_id"));
  if (!job) throw Error(Code::kNotFound, "unknown training job " + quote(r.path_param("job_id")), "job_id");
  return json_response(200, job_json(*job));
}

Response get_training_stats(Services& s, const Request& r) {
  std::vector<std::string> names;
  if (auto d = r.query_param("domain"); d && !d->empty()) {
    s.config.domain(*d);
    names.push_back(*d);
  } else {
    for (const auto& [name, d] : s.config.domains) {
      if (d.enabled) names.push_back(name);
    }
  }
  nlohmann::json domains = nlohmann::json::array();
  for (const auto& name : names) {
    const auto stats = s.warehouse.domain_stats(name);
    const std::int64_t fresh = s.training.new_interactions(name);
    nlohmann::json models = nlohmann::json::array();
    for (const auto& [model, served] : s.engine.models(name)->models) {
      models.push_back({{"model", model},
                        {"type", served.meta.type_name},
                        {"version", served.meta.version},
                        {"created_at", time_or_null(served.meta.created_at_us)},
                        {"metrics", served.meta.metrics},
                        {"trained_on", {{"users", served.meta.n_users},
                                        {"items", served.meta.n_items},
                                        {"interactions", served.meta.n_interactions}}}});
    }
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& run : s.warehouse.list_training_runs(name, 10)) {
      runs.push_back({{"run_id", run.run_id},
                      {"model", run.model},
                      {"status", run.status},
                      {"version", run.model_version ? nlohmann::json(*run.model_version) : nlohmann::json()},
                      {"metrics", run.metrics.empty() ? nlohmann::json::object() : nlohmann::json::parse(run.metrics)},
                      {"duration_s", run.duration_s},
                      {"error", run.error.empty() ? nlohmann::json() : nlohmann::json(run.error)},
                      {"started_at", time_or_null(run.started_at_us)},
                      {"finished_at", time_or_null(run.finished_at_us.value_or(0))}});
    }
    const bool enough = stats.n_interactions >= s.config.training.min_samples;
    domains.push_back({{"domain", name},
                       {"interactions", stats.n_interactions},
                       {"users", stats.n_users},
                       {"items", stats.n_catalog_items},
                       {"new_interactions", fresh},
                       {"min_new_interactions", s.config.training.min_new_interactions},
                       {"min_samples", s.config.training.min_samples},
                       {"trainable", enough},
                       {"should_retrain", enough && fresh >= s.config.training.min_new_interactions},
                       {"models", models},
                       {"tuned", engine::tuned_summary(s.engine.models(name)->settings)},
                       {"last_runs", runs}});
  }
  return json_response(200, {{"domains", domains},
                             {"next_scheduled_run", time_or_null(s.training.next_scheduled_run_us())}});
}

}  // namespace mxn::api

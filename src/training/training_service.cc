#include "training/training_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "warehouse/warehouse.h"

namespace mxn::training {

namespace {
constexpr std::size_t kJobsKept = 200;

/// Whether `job` is a training job, queued or running, that covers `domain`.
bool will_train(const TrainingJob& job, const std::string& domain) {
  return job.kind == "train" && (job.status == "queued" || job.status == "running") &&
         std::find(job.domains.begin(), job.domains.end(), domain) != job.domains.end();
}
}  // namespace

TrainingService::TrainingService(const TrainingPipeline& pipeline, const warehouse::Warehouse& warehouse,
                                 const config::Config& config, OnTrained on_trained)
    : pipeline_(pipeline), warehouse_(warehouse), config_(config), on_trained_(std::move(on_trained)) {
  worker_ = std::thread([this] { work(); });
}

TrainingService::~TrainingService() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  worker_.join();
}

std::string TrainingService::submit(std::vector<std::string> domains, const std::string& trigger, bool tune) {
  if (domains.empty()) {
    for (const auto& [name, d] : config_.domains) {
      if (d.enabled) domains.push_back(name);
    }
  }
  for (const auto& d : domains) config_.domain(d);  // validates
  std::lock_guard lock(mutex_);
  // A domain already in a queued or running job (one that tunes, when tuning is asked) is not queued again:
  // at most one job waits per domain, and a burst of requests is answered with the job that will serve them.
  std::string covering;
  std::erase_if(domains, [&](const std::string& domain) {
    for (const auto& [id, job] : jobs_) {
      if (will_train(job, domain) && (job.tune || !tune)) {
        if (covering.empty()) covering = id;
        return true;
      }
    }
    return false;
  });
  if (domains.empty()) {
    log::info("training.job_reused", "job", covering, "trigger", trigger);
    return covering;
  }
  return enqueue({.domains = std::move(domains), .trigger = trigger, .tune = tune});
}

std::string TrainingService::submit_evaluation(const std::string& domain, const EvaluationOptions& options) {
  config_.domain(domain);  // validates
  std::lock_guard lock(mutex_);
  // At most one evaluation of a domain waits or runs: the same request again is answered with it, another is
  // refused until it is done (each fits every model: a client could otherwise queue hours of work).
  for (const auto& [id, job] : jobs_) {
    if (job.kind != "evaluate" || (job.status != "queued" && job.status != "running") ||
        job.domains.front() != domain) {
      continue;
    }
    const EvaluationOptions& o = job.evaluation_options;
    if (o.split == options.split && o.last == options.last && o.k == options.k &&
        o.max_users == options.max_users && o.test_file == options.test_file) {
      return id;
    }
    throw Error(Code::kFailedPrecondition,
                "an evaluation of " + domain + " is already queued or running (" + id +
                    "); ask again once it is done",
                "domain");
  }
  return enqueue(
      {.kind = "evaluate", .domains = {domain}, .trigger = "manual", .evaluation_options = options});
}

std::string TrainingService::enqueue(TrainingJob job) {  // under mutex_
  static std::uint64_t counter = 0;
  job.id = fmt::format("job-{}-{}", now_us() / 1000, ++counter);
  job.status = "queued";
  job.created_us = now_us();
  const std::string id = job.id;
  log::info("training.job_queued", "job", id, "kind", job.kind, "trigger", job.trigger);
  jobs_.emplace(id, std::move(job));
  while (jobs_.size() > kJobsKept && jobs_.begin()->second.status != "queued" &&
         jobs_.begin()->second.status != "running") {
    jobs_.erase(jobs_.begin());
  }
  queue_.push_back(id);
  changed_.notify_all();
  return id;
}

TrainingJob TrainingService::wait(const std::string& job_id) {
  std::unique_lock lock(mutex_);
  auto done = [&] {
    auto it = jobs_.find(job_id);
    return it == jobs_.end() || (it->second.status != "queued" && it->second.status != "running");
  };
  changed_.wait(lock, done);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) throw Error(Code::kNotFound, "unknown training job '" + job_id + "'", "job_id");
  return it->second;
}

std::optional<TrainingJob> TrainingService::job(const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

void TrainingService::work() {
  for (;;) {
    TrainingJob job;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      const std::string id = queue_.front();
      queue_.pop_front();
      auto& queued = jobs_.at(id);
      queued.status = "running";
      queued.started_us = now_us();
      job = queued;
    }
    changed_.notify_all();
    if (job.kind == "evaluate") {
      run_evaluation(job);
    } else {
      run_training(job);
    }
    job.finished_us = now_us();
    log::info("training.job_done", "job", job.id, "status", job.status);
    {
      std::lock_guard lock(mutex_);
      jobs_.at(job.id) = std::move(job);
    }
    changed_.notify_all();
  }
}

void TrainingService::run_training(TrainingJob& job) const {
  for (const auto& domain : job.domains) {
    if (job.tune) {
      try {
        pipeline_.tune(domain);
      } catch (const std::exception& e) {  // the domain is still trained, with the values it had
        log::error("training.tune_failed", "job", job.id, "domain", domain, "error", e.what());
      }
    }
    try {
      TrainingSummary s = pipeline_.run(domain);
      if (on_trained_) on_trained_(s);
      job.summaries.push_back(std::move(s));
    } catch (const std::exception& e) {
      job.error += (job.error.empty() ? "" : "; ") + domain + ": " + e.what();
      log::error("training.domain_failed", "job", job.id, "domain", domain, "error", e.what());
    }
  }
  std::size_t bad = 0;
  for (const auto& s : job.summaries) bad += s.status == "failed" || s.status == "partial";
  job.status =
      !job.error.empty() || bad > 0 ? (job.summaries.size() > bad ? "partial" : "failed") : "succeeded";
}

void TrainingService::run_evaluation(TrainingJob& job) const {
  const std::string& domain = job.domains.front();
  try {
    job.evaluation = evaluation_json(pipeline_.evaluate(domain, job.evaluation_options));
    job.status = "succeeded";
  } catch (const std::exception& e) {
    job.error = domain + ": " + e.what();
    job.status = "failed";
    log::error("training.evaluation_failed", "job", job.id, "domain", domain, "error", e.what());
  }
}

std::int64_t TrainingService::new_interactions(const std::string& domain) const {
  std::int64_t since = 0;
  for (const auto& run : warehouse_.list_training_runs(domain, 50)) {
    if (run.status == "succeeded") {
      since = run.started_at_us;
      break;
    }
  }
  return warehouse_.count_interactions_since(domain, since);
}

std::optional<std::string> TrainingService::run_schedule_once() {
  std::vector<std::string> due;
  for (const auto& [name, d] : config_.domains) {
    if (!d.enabled) continue;
    {
      std::lock_guard lock(mutex_);  // a domain already queued or training is not queued again
      bool pending = false;
      for (const auto& [id, job] : jobs_) pending = pending || will_train(job, name);
      if (pending) continue;
    }
    const std::int64_t fresh = new_interactions(name);
    if (fresh >= config_.training.min_new_interactions && warehouse_.count_interactions_since(name, 0) >=
                                                               config_.training.min_samples) {
      due.push_back(name);
    }
  }
  std::optional<std::string> queued;
  if (!due.empty()) queued = submit(due, "schedule");
  const double tune_hours = config_.training.tune_every_hours;
  std::int64_t last_tune;
  bool first_look = false;
  {
    std::lock_guard lock(mutex_);
    if (last_tune_us_ == 0) {
      last_tune_us_ = now_us();  // the interval counts from here
      first_look = true;
    }
    last_tune = last_tune_us_;
  }
  if (tune_hours > 0 && !first_look &&
      now_us() - last_tune >= static_cast<std::int64_t>(tune_hours * 3600.0 * 1e6)) {
    std::vector<std::string> tunable;
    for (const auto& [name, d] : config_.domains) {
      if (d.enabled && warehouse_.count_interactions_since(name, 0) >= config_.training.min_samples) {
        tunable.push_back(name);
      }
    }
    {
      std::lock_guard lock(mutex_);
      last_tune_us_ = now_us();
    }
    if (!tunable.empty()) queued = submit(tunable, "schedule", true);
  }
  return queued;
}

void TrainingService::start_scheduler() {
  std::lock_guard lock(mutex_);
  if (scheduler_.joinable()) return;
  last_tune_us_ = now_us();
  scheduler_ = std::thread([this] { schedule(); });
}

std::int64_t TrainingService::next_scheduled_run_us() const {
  std::lock_guard lock(mutex_);
  return next_run_us_;
}

void TrainingService::schedule() {
  const auto interval = std::chrono::microseconds(
      static_cast<std::int64_t>(config_.training.retrain_interval_hours * 3600.0 * 1e6));
  std::unique_lock lock(mutex_);
  for (;;) {
    next_run_us_ = now_us() + interval.count();
    if (changed_.wait_for(lock, interval, [&] { return stopping_; })) return;
    lock.unlock();
    try {
      run_schedule_once();
    } catch (const std::exception& e) {
      log::error("training.schedule_failed", "error", e.what());
    }
    lock.lock();
  }
}

}  // namespace mxn::training

#pragma once
// TrainingService: the one training worker of a running server, and its scheduler.
//
// Jobs (a list of domains) queue up and run one at a time on a single worker thread, so a manual trigger
// and the schedule never train the same domain twice at once and serving keeps its cores while training is
// light. After each domain the `on_trained` callback publishes the new models (the engine swaps them in
// atomically). The scheduler wakes every training.retrain_interval_hours and queues each enabled domain
// with at least training.min_new_interactions interactions ingested since its last successful run; when
// training.tune_every_hours is set and that long has passed since the scheduler's last tuning (or its start),
// it queues every domain that has training.min_samples interactions to be tuned, then trained.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "training/training_pipeline.h"

namespace mxn::training {

struct TrainingJob {
  std::string id;
  std::string kind = "train";  // train | evaluate (one domain, nothing saved)
  std::vector<std::string> domains;
  std::string trigger;  // manual | schedule
  bool tune = false;    // tune each domain (TrainingPipeline::tune) before training it
  EvaluationOptions evaluation_options;  // kind evaluate
  nlohmann::json evaluation;             // kind evaluate, once succeeded: evaluation_json
  std::string status;   // queued | running | succeeded | partial | failed
  std::string error;
  std::vector<TrainingSummary> summaries;
  std::int64_t created_us = 0;
  std::int64_t started_us = 0;
  std::int64_t finished_us = 0;
};

class TrainingService {
 public:
  using OnTrained = std::function<void(const TrainingSummary&)>;

  /// Starts the worker thread. Everything referenced must outlive the service.
  TrainingService(const TrainingPipeline& pipeline, const warehouse::Warehouse& warehouse,
                  const config::Config& config, OnTrained on_trained);
  /// Stops the scheduler and the worker after the job in progress.
  ~TrainingService();
  TrainingService(const TrainingService&) = delete;
  TrainingService& operator=(const TrainingService&) = delete;

  /// Queues a job for `domains` (empty = every enabled domain); an unknown or disabled domain is an
  /// Error{kNotFound, field "domain"}. Returns the job id. Domains that a queued or running job already
  /// covers are left out; when that leaves none, the id returned is that job's (nothing new is queued).
  std::string submit(std::vector<std::string> domains, const std::string& trigger = "manual", bool tune = false);
  /// Queues an evaluation of `domain` (TrainingPipeline::evaluate; Error{kNotFound, field "domain"} when
  /// unknown or disabled). It runs on the same worker, after the jobs before it. Returns the job id. At most
  /// one evaluation per domain is pending: the same request again gets its id, another one
  /// Error{kFailedPrecondition, field "domain"} until it is done.
  std::string submit_evaluation(const std::string& domain, const EvaluationOptions& options);
  /// Blocks until the job has finished; Error{kNotFound, field "job_id"} for an unknown id.
  TrainingJob wait(const std::string& job_id);
  std::optional<TrainingJob> job(const std::string& job_id) const;

  /// Starts the scheduler thread (mxn serve without --no-scheduler).
  void start_scheduler();
  /// When the scheduler will next look (0 when it is not running).
  std::int64_t next_scheduled_run_us() const;
  /// Interactions of `domain` ingested since its last successful training run (all of them when never).
  std::int64_t new_interactions(const std::string& domain) const;
  /// One scheduler pass, now: queues the domains that qualify; returns the job id when one was queued.
  std::optional<std::string> run_schedule_once();

 private:
  std::string enqueue(TrainingJob job);
  void work();
  /// Run `job` (a copy of the queued one, outside the lock) and set its results and status.
  void run_training(TrainingJob& job) const;
  void run_evaluation(TrainingJob& job) const;
  void schedule();

  const TrainingPipeline& pipeline_;
  const warehouse::Warehouse& warehouse_;
  const config::Config& config_;
  OnTrained on_trained_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  std::map<std::string, TrainingJob> jobs_;  // every job since start (ids are time-ordered)
  bool stopping_ = false;
  std::int64_t next_run_us_ = 0;
  std::int64_t last_tune_us_ = 0;  // when the scheduler last queued a tuning (its start until then)
  std::thread worker_;
  std::thread scheduler_;
};

}  // namespace mxn::training

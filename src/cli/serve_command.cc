// mxn serve [--no-scheduler]: the REST API over the warehouse and the stored models, with the retraining
// scheduler. Stops cleanly on SIGINT or SIGTERM.

#include <sched.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include "api/server.h"
#include "cli/commands.h"
#include "core/log.h"

namespace mxn::cli {

void add_serve(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("serve", "Serve the REST API (and retrain on schedule)");
  auto no_scheduler = std::make_shared<bool>(false);
  cmd->add_flag("--no-scheduler", *no_scheduler, "Do not retrain on a schedule (POST /training/train still works)");
  cmd->callback([&run, no_scheduler] {
    run = [no_scheduler](const config::Config& config) {
      // Block the stop signals in every thread; one thread waits for them and stops the server.
      sigset_t signals;
      sigemptyset(&signals);
      sigaddset(&signals, SIGINT);
      sigaddset(&signals, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &signals, nullptr);
      // Requests are short CPU-bound bursts on many threads (one per connection). SCHED_BATCH turns off
      // wakeup preemption: a request runs to its end instead of being interrupted by each one that arrives
      // (4-13 % less CPU per request at 64 connections, docs/benchmarks.md). Threads started from here on
      // inherit it.
      const sched_param no_priority{};
      if (sched_setscheduler(0, SCHED_BATCH, &no_priority) != 0) {
        log::warn("serve.sched_batch_unavailable", "error", std::strerror(errno));
      }
      api::Server server(config, !*no_scheduler);
      std::cout << "mxn serving on http://" << config.api.host << ":" << server.port() << std::endl;
      std::thread watcher([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        server.stop();
      });
      server.run();
      // Wake the watcher if the server stopped on its own.
      pthread_kill(watcher.native_handle(), SIGTERM);
      watcher.join();
    };
  });
}

}  // namespace mxn::cli

// mxn serve [--no-scheduler]: the REST API over the warehouse and the stored models, with the retraining
// scheduler. Stops cleanly on SIGINT or SIGTERM.

#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <system_error>
#include <thread>

#include "api/server.h"
#include "cli/commands.h"
#include "core/log.h"

namespace mxn::cli {

namespace {

int stop_pipe[2] = {-1, -1};  // SIGINT/SIGTERM write a byte; the watcher thread reads it and stops the server

extern "C" void on_stop_signal(int) {
  const char byte = 1;
  [[maybe_unused]] const auto written = write(stop_pipe[1], &byte, 1);
}

}  // namespace

void add_serve(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("serve", "Serve the REST API (and retrain on schedule)");
  auto no_scheduler = std::make_shared<bool>(false);
  cmd->add_flag("--no-scheduler", *no_scheduler, "Do not retrain on a schedule (POST /training/train still works)");
  cmd->callback([&run, no_scheduler] {
    run = [no_scheduler](const config::Config& config) {
      // A handler, not a blocked mask and sigwait: libraries start threads before main (OpenBLAS's pool),
      // and a process-directed signal may land on any of them, where a mask set here does not reach.
      if (pipe(stop_pipe) != 0) throw std::system_error(errno, std::generic_category(), "serve: pipe");
      struct sigaction action {};
      action.sa_handler = on_stop_signal;
      sigemptyset(&action.sa_mask);
      action.sa_flags = SA_RESTART;
      sigaction(SIGINT, &action, nullptr);
      sigaction(SIGTERM, &action, nullptr);
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
        char byte = 0;
        while (read(stop_pipe[0], &byte, 1) < 0 && errno == EINTR) {
        }
        server.stop();
      });
      server.run();
      on_stop_signal(0);  // wakes the watcher if the server stopped on its own
      watcher.join();
    };
  });
}

}  // namespace mxn::cli

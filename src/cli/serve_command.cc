// mxn serve [--no-scheduler]: the REST API over the warehouse and the stored models, with the retraining
// scheduler. Stops cleanly on SIGINT or SIGTERM.

#include <csignal>
#include <iostream>
#include <thread>

#include "api/server.h"
#include "cli/commands.h"

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

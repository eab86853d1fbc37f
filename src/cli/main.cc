// mxn: the command-line entry point. Parses the command line, loads the configuration in layers
// (defaults, file, MXN_* environment), runs one subcommand, and maps errors to exit codes.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "core/config.h"
#include "core/error.h"
#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace {

int exit_code(mxn::Code code) {
  switch (code) {
    case mxn::Code::kMalformed:
    case mxn::Code::kInvalidArgument: return 2;
    case mxn::Code::kNotFound: return 3;
    case mxn::Code::kFailedPrecondition: return 4;
    case mxn::Code::kCorrupt: return 5;
    case mxn::Code::kUnavailable: return 6;
    default: return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mxn: a personalised recommendation engine over an embedded DuckDB warehouse.\n"
               "Every config key can be overridden with MXN_<SECTION>_<KEY> (e.g. MXN_WAREHOUSE_PATH)."};
  app.name("mxn");
  std::string config_path;
  app.add_option("--config", config_path, "YAML config file (default: config/config.yaml if it exists)");
  app.require_subcommand(1);
  app.fallthrough();

  mxn::cli::Run run;
  mxn::cli::add_seed(app, run);
  mxn::cli::add_import(app, run);
  mxn::cli::add_stats(app, run);
  mxn::cli::add_train(app, run);
  mxn::cli::add_serve(app, run);
  mxn::cli::add_evaluate(app, run);
  mxn::cli::add_tune(app, run);
  mxn::cli::add_recommend(app, run);

  // Logs go to stderr so that stdout carries only results (tables, JSON).
  spdlog::set_default_logger(spdlog::stderr_color_mt("mxn"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI11_PARSE(app, argc, argv);

  try {
    if (config_path.empty() && std::filesystem::exists("config/config.yaml")) config_path = "config/config.yaml";
    const mxn::config::Config config = mxn::config::load(config_path);
    mxn::log::set_level(config.log_level);
    run(config);
    return 0;
  } catch (const mxn::Error& e) {
    std::cerr << "mxn: error: " << e.what() << "\n";
    return exit_code(e.code());
  } catch (const std::exception& e) {
    std::cerr << "mxn: error: " << e.what() << "\n";
    return 1;
  }
}

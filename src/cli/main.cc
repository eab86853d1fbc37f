// mxn: the command-line entry point. Parses the command line, loads the configuration in layers
// (defaults, file, MXN_* environment), runs one subcommand, and maps errors to exit codes.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "build_info.h"
#include "cli/commands.h"
#include "core/config.h"
#include "core/cpu.h"
#include "core/error.h"
#include "core/log.h"

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

/// mxn --version: what was built, from which commit, how, and for which CPU.
std::string version_text() {
#if defined(__clang__)
  const std::string kCompiler = "clang ";  // __VERSION__ names it too
#else
  const std::string kCompiler = "g++ ";
#endif
  return std::string("mxn ") + MXN_VERSION + "\ncommit " + MXN_GIT_COMMIT + "\nbuild " + MXN_BUILD_TYPE +
         ", " + kCompiler + __VERSION__ + "\ncpu " + MXN_CPU_TARGET + " (" + mxn::cpu::compiled_features() +
         "); 8-bit scan: " + (mxn::cpu::has_avx512_vnni() ? "avx512vnni" : "portable") +
         " (chosen on this CPU)";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mxn: a personalised recommendation engine over an embedded DuckDB warehouse.\n"
               "Every config key can be overridden with MXN_<SECTION>_<KEY> (e.g. MXN_WAREHOUSE_PATH)."};
  app.name("mxn");
  std::string config_path;
  const std::string config_help = "YAML config file (default: config/config.yaml if it exists)";
  app.add_option("--config", config_path, config_help);
  app.set_version_flag("--version", version_text(), "Print the version, commit, build type and CPU path");
  app.require_subcommand(0, 1);  // none: said below, with the list
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
  mxn::cli::add_delete_user(app, run);
  std::string names;  // of the subcommands, for the errors below
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
    sub->footer("Before or after the subcommand:\n  --config FILE  " + config_help);
  }

  mxn::log::to_stderr();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ExtrasError& e) {
    // The first word that is no subcommand is taken for a mistyped one.
    const auto extras = app.remaining();
    if (app.get_subcommands().empty() && !extras.empty() && !extras.front().starts_with("-")) {
      std::cerr << "mxn: error: unknown subcommand '" << extras.front() << "'; the subcommands are " << names
                << " (mxn --help)\n";
      return e.get_exit_code();
    }
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (app.get_subcommands().empty()) {
    std::cerr << "mxn: error: a subcommand is required: " << names << " (mxn --help)\n";
    return static_cast<int>(CLI::ExitCodes::RequiredError);
  }

  try {
    if (config_path.empty() && std::filesystem::exists("config/config.yaml")) config_path = "config/config.yaml";
    const mxn::config::Config config = mxn::config::load(config_path);
    mxn::log::set_level(config.log_level);
    if (config_path.empty()) {  // say where things will be: they follow the working directory
      mxn::log::info("config.defaults", "why", "no --config and no ./config/config.yaml", "warehouse",
                     std::filesystem::absolute(config.warehouse.path).string(), "models",
                     std::filesystem::absolute(config.models.store_dir).string());
    }
    run(config);
    return 0;
  } catch (const mxn::Error& e) {
    if (e.problems().size() > 1) {  // one line each
      std::cerr << "mxn: error:\n";
      for (const auto& p : e.problems())
        std::cerr << "  " << (p.field.empty() ? "" : p.field + ": ") << p.message << "\n";
    } else {
      std::cerr << "mxn: error: " << e.what() << "\n";
    }
    return exit_code(e.code());
  } catch (const std::exception& e) {
    std::cerr << "mxn: error: " << e.what() << "\n";
    return 1;
  }
}

#pragma once
// The subcommands of `mxn`. Each add_* registers its options on `app` and, when its subcommand is chosen,
// stores in `run` the work to do once the configuration is loaded. main.cc owns parsing and error mapping.

#include <CLI/CLI.hpp>

#include <functional>

#include "core/config.h"

namespace mxn::cli {

using Run = std::function<void(const config::Config&)>;

void add_seed(CLI::App& app, Run& run);
void add_import(CLI::App& app, Run& run);
void add_stats(CLI::App& app, Run& run);
void add_train(CLI::App& app, Run& run);
void add_serve(CLI::App& app, Run& run);
void add_evaluate(CLI::App& app, Run& run);
void add_recommend(CLI::App& app, Run& run);
void add_tune(CLI::App& app, Run& run);
void add_delete_user(CLI::App& app, Run& run);

}  // namespace mxn::cli

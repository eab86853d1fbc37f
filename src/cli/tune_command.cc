// mxn tune --domain D [--trials N] [--time-budget S] [--metric ndcg@10] [--seed S]:
// searches the domain's model hyperparameters and blend on a validation split and saves them as the domain's
// next tuned record (training/tuner.h); `mxn train` then fits with them.

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "engine/model_store.h"
#include "training/tuner.h"
#include "warehouse/warehouse.h"

namespace mxn::cli {

namespace {

std::string values_text(const nlohmann::json& values) {
  std::string out;
  for (const auto& [key, value] : values.items()) {
    const auto dot = key.rfind('.');
    std::string name = key.rfind("ensemble.weights.", 0) == 0 ? key.substr(17) : key.substr(dot + 1);
    out += (out.empty() ? "" : " ") + name + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return out;
}

std::string duration(double s) {
  return s < 90 ? fmt::format("{:.0f}s", s) : fmt::format("{:.0f}m{:02.0f}s", std::floor(s / 60), std::fmod(s, 60));
}

}  // namespace

void add_tune(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("tune", "Search a domain's model hyperparameters and blend; mxn train then uses them");
  auto domain = std::make_shared<std::string>();
  auto o = std::make_shared<training::TuneOptions>();
  cmd->add_option("--domain", *domain, "Domain to tune")->required();
  cmd->add_option("--trials", o->trials, "Random draws per model after the values in force")->capture_default_str();
  cmd->add_option("--time-budget", o->time_budget_s, "Stop searching after this many seconds (0 = no limit)")
      ->capture_default_str();
  cmd->add_option("--metric", o->metric, "What to maximise: ndcg, precision, recall, map, hit_rate or mrr @k")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of the validation split and the draws")->capture_default_str();
  cmd->callback([&run, domain, o] {
    run = [domain, o](const config::Config& config) {
      config.domain(*domain);
      warehouse::Warehouse wh(config.warehouse);
      engine::ModelStore store(config.models.store_dir, config.models.versions_kept);
      training::TuneOptions options = *o;
      options.threads = config.training.threads;
      const auto record = training::Tuner(wh, store, config).run(*domain, options, [](const training::TrialReport& r) {
        std::cout << fmt::format("{:<10} {:>3}/{:<3} {:<60.60} {} {:.4f}  best {:.4f}  {} elapsed, ~{} left\n",
                                 r.model, r.trial, r.total, values_text(r.values), "", r.metric, r.best,
                                 duration(r.elapsed_s), duration(r.eta_s))
                  << std::flush;
      });
      const std::string metric = record["metric"];
      std::cout << fmt::format("\n{}: tuned version {} in {} on {} validation users ({})\n", *domain,
                               record["version"].get<int>(), duration(record["seconds"].get<double>()),
                               record["data"]["validation_users"].get<std::size_t>(), metric);
      for (const auto& [model, best] : record["models"].items()) {
        std::cout << fmt::format("  {:<11} {:.4f}  {}\n", model, best[metric].get<double>(), values_text(best["values"]));
      }
      const auto& blend = record["blend"];
      if (!blend.empty()) {
        std::cout << fmt::format("  {:<11} {:.4f}  method={} {}\n", "ensemble", blend[metric].get<double>(),
                                 blend["method"].get<std::string>(), values_text(blend["weights"]));
        if (!blend["serves_single_model"].is_null()) {
          std::cout << fmt::format("  no blend beat {} alone: the domain serves it alone\n",
                                   blend["serves_single_model"].get<std::string>());
        }
      }
      if (!record["pinned"].empty()) {
        std::cout << "  pinned by config, not tuned: " << record["pinned"].dump() << "\n";
      }
      std::cout << "run `mxn train --domain " << *domain << "` to fit the models with them\n";
    };
  });
}

}  // namespace mxn::cli

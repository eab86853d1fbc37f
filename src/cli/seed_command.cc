// mxn seed: deterministic demo data (catalogs and interactions) for every enabled domain, written through
// the behaviour tracker like any other interaction.

#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "data/seed_generator.h"
#include "tracking/behavior_tracker.h"
#include "warehouse/warehouse.h"

namespace mxn::cli {

void add_seed(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("seed", "Fill the warehouse with deterministic demo data for every enabled domain");
  auto options = std::make_shared<data::SeedOptions>();
  auto if_empty = std::make_shared<bool>(false);
  cmd->add_option("--users", options->users, "Users (user1 .. userN)")->capture_default_str();
  cmd->add_option("--items", options->items, "Items per domain (movie_1 .. movie_N, song_, task_, note_)")
      ->capture_default_str();
  cmd->add_option("--interactions", options->interactions, "Interactions over all domains")->capture_default_str();
  cmd->add_option("--seed", options->seed, "Random seed: the same seed gives the same data")->capture_default_str();
  cmd->add_flag("--if-empty", *if_empty, "Do nothing when the warehouse already holds interactions");
  cmd->callback([&run, options, if_empty] {
    run = [options, if_empty](const config::Config& config) {
      warehouse::Warehouse wh(config.warehouse);
      data::SeedOptions opts = *options;
      opts.domains.clear();
      std::int64_t existing = 0;
      for (const auto& [name, domain] : config.domains) {
        if (!domain.enabled) continue;
        opts.domains.push_back(name);
        existing += wh.domain_stats(name).n_interactions;
      }
      if (*if_empty && existing > 0) {
        std::cout << fmt::format("warehouse {} already holds {} interactions; not seeding\n", wh.path(), existing);
        return;
      }
      const auto start = std::chrono::steady_clock::now();
      data::SeedGenerator generator(opts);
      std::size_t items = 0;
      for (const auto& domain : opts.domains) {
        auto catalog = generator.catalog(domain);
        wh.upsert_items(catalog);
        items += catalog.size();
      }
      tracking::BehaviorTracker tracker(wh, config.interactions, config.domains, config.warehouse);
      std::int64_t written = 0;
      generator.interactions(100000, [&](std::vector<Interaction>& chunk) {
        tracker.track_many(chunk);
        written += static_cast<std::int64_t>(chunk.size());
      });
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cout << fmt::format("seeded {} users, {} items and {} interactions into {} in {:.1f} s (seed {})\n",
                               opts.users, items, written, wh.path(), secs, opts.seed);
    };
  });
}

}  // namespace mxn::cli

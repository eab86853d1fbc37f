// mxn stats [--json]: per-domain counts of users, items and interactions by type, and the tuned values in force.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/commands.h"
#include "core/time.h"
#include "engine/domain_settings.h"
#include "warehouse/warehouse.h"

namespace mxn::cli {

namespace {

nlohmann::json stats_json(const warehouse::DomainStats& s) {
  nlohmann::json j = {{"domain", s.domain},
                      {"users", s.n_users},
                      {"items", s.n_catalog_items},
                      {"items_with_interactions", s.n_interacted_items},
                      {"interactions", s.n_interactions},
                      {"by_type", s.interactions_by_type}};
  j["first_interaction"] = s.first_interaction_us ? nlohmann::json(format_iso8601(*s.first_interaction_us)) : nullptr;
  j["last_interaction"] = s.last_interaction_us ? nlohmann::json(format_iso8601(*s.last_interaction_us)) : nullptr;
  return j;
}

void print_table(const std::vector<warehouse::DomainStats>& all, std::ostream& out) {
  out << fmt::format("{:<10} {:>9} {:>9} {:>13}  {}\n", "domain", "users", "items", "interactions", "by type");
  for (const auto& s : all) {
    std::string types;
    for (const auto& [type, n] : s.interactions_by_type) types += fmt::format("{}{}={}", types.empty() ? "" : " ", type, n);
    out << fmt::format("{:<10} {:>9} {:>9} {:>13}  {}\n", s.domain, s.n_users, s.n_catalog_items, s.n_interactions,
                       types.empty() ? "-" : types);
  }
}

}  // namespace

void add_stats(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("stats", "Per-domain counts of users, items and interactions by type");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print JSON instead of a table");
  cmd->callback([&run, json] {
    run = [json](const config::Config& config) {
      warehouse::Warehouse wh(config.warehouse);
      const engine::ModelStore store(config.models.store_dir, config.models.versions_kept);
      std::vector<warehouse::DomainStats> all;
      std::vector<nlohmann::json> tuned;
      for (const auto& [name, domain] : config.domains) {
        if (!domain.enabled) continue;
        all.push_back(wh.domain_stats(name));
        tuned.push_back(engine::tuned_summary(engine::domain_settings(config, store, name)));
      }
      if (*json) {
        nlohmann::json out = {{"warehouse", wh.path()}, {"domains", nlohmann::json::array()}};
        for (std::size_t d = 0; d < all.size(); ++d) {
          out["domains"].push_back(stats_json(all[d]));
          out["domains"].back()["tuned"] = tuned[d];
        }
        std::cout << out.dump(2) << "\n";
        return;
      }
      std::cout << "warehouse: " << wh.path() << "\n";
      print_table(all, std::cout);
      for (std::size_t d = 0; d < all.size(); ++d) {
        if (tuned[d].is_null()) continue;
        std::string values;
        for (const auto& [key, value] : tuned[d]["in_force"].items()) values += " " + key + "=" + value.dump();
        std::cout << fmt::format("{}: tuned v{} ({}, {} {}):{}\n", all[d].domain, tuned[d]["version"].get<int>(),
                                 tuned[d]["created_at"].get<std::string>(), tuned[d]["metric"].get<std::string>(),
                                 tuned[d]["validation"].dump(), values);
      }
    };
  });
}

}  // namespace mxn::cli

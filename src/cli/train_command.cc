// mxn train [--domain D] [--model M]: trains, evaluates and saves new model versions.

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "engine/model_store.h"
#include "training/training_pipeline.h"
#include "warehouse/warehouse.h"

namespace mxn::cli {

namespace {

void print_summary(const training::TrainingSummary& s, std::ostream& out) {
  out << fmt::format("{}: {} ({} users, {} items, {} interactions, {:.1f} s)\n", s.domain, s.status, s.n_users,
                     s.n_items, s.n_interactions, s.seconds);
  if (s.status == "skipped") {
    out << "  " << s.reason << "\n";
    return;
  }
  out << fmt::format("  {:<11} {:<11} {:<9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>8}\n", "model", "type", "status",
                     "version", "ndcg@k", "prec@k", "recall@k", "coverage", "secs");
  for (const auto& m : s.models) {
    out << fmt::format("  {:<11} {:<11} {:<9} {:>7} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>8.2f}\n", m.model,
                       m.type_name.empty() ? "-" : m.type_name, m.status, m.version, m.metrics.ndcg,
                       m.metrics.precision, m.metrics.recall, m.metrics.coverage, m.seconds);
    if (!m.error.empty()) out << "    " << (m.status == "failed" ? "error: " : "why: ") << m.error << "\n";
  }
  if (s.ensemble) {
    const auto& e = *s.ensemble;
    out << fmt::format("  {:<11} {:<11} {:<9} {:>7} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f}\n", "ensemble", "(served)",
                       "", "", e.ndcg, e.precision, e.recall, e.coverage);
  }
}

}  // namespace

void add_train(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("train", "Train, evaluate and save new model versions (every enabled domain by default)");
  auto domain = std::make_shared<std::string>();
  auto models = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--domain", *domain, "Train only this domain");
  cmd->add_option("--model", *models, "Train only this model (" + model_names_text() + "); repeatable");
  cmd->callback([&run, domain, models] {
    run = [domain, models](const config::Config& config) {
      warehouse::Warehouse wh(config.warehouse);
      engine::ModelStore store(config.models.store_dir, config.models.versions_kept);
      training::TrainingPipeline pipeline(wh, store, config);
      std::vector<std::string> domains;
      if (!domain->empty()) {
        config.domain(*domain);  // unknown or disabled: a clear error before any work
        domains.push_back(*domain);
      } else {
        for (const auto& [name, d] : config.domains) {
          if (d.enabled) domains.push_back(name);
        }
      }
      bool any_failed = false;
      for (const auto& name : domains) {
        Progress progress;
        auto summary = pipeline.run(name, *models, [&](const std::string& model, int it, int total, double loss) {
          progress.update(name + "/" + model, it, total, loss);
        });
        progress.finish();
        print_summary(summary, std::cout);
        any_failed = any_failed || summary.status == "failed" || summary.status == "partial";
      }
      if (any_failed) throw Error(Code::kInternal, "some models failed to train (see above)");
    };
  });
}

}  // namespace mxn::cli

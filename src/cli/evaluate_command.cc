// mxn evaluate --domain D [--split random|temporal|loo] [--k 10] [--json] [--test FILE ...] [--min-rating R]
//              [--recommendations-out FILE]: what the server would serve, evaluated on held-out data:
// popularity, every enabled model alone and the blend ("ensemble"), all fitted through the one fit path and
// ranked by the engine's own ranker (training/served_evaluation.h). Nothing is saved.

#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "engine/model_store.h"
#include "training/training_pipeline.h"
#include "warehouse/warehouse.h"

namespace mxn::cli {

namespace {
struct EvaluateArgs {
  std::string domain;
  training::EvaluationOptions options;
  bool json = false;
  std::string recommendations_out;
};
}  // namespace

void add_evaluate(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("evaluate", "Offline evaluation of what a domain would serve (nothing is saved)");
  auto a = std::make_shared<EvaluateArgs>();
  cmd->add_option("--domain", a->domain, "Domain to evaluate")->required();
  cmd->add_option("--split", a->options.split,
                  "Held-out split: random (training.test_fraction), temporal, loo")
      ->check(CLI::IsMember({"random", "temporal", "loo"}))
      ->capture_default_str();
  cmd->add_option("--last", a->options.last, "temporal: interactions per user held out")
      ->capture_default_str();
  cmd->add_option("--k", a->options.k, "Cut-off of the metrics")->capture_default_str();
  cmd->add_flag("--json", a->json, "Print JSON instead of a table");
  cmd->add_option("--test", a->options.test_file,
                  "Held-out file (CSV or Parquet) instead of a split; train on all data");
  cmd->add_option("--user-col", a->options.mapping.user_col, "--test: user id column")->capture_default_str();
  cmd->add_option("--item-col", a->options.mapping.item_col, "--test: item id column")->capture_default_str();
  cmd->add_option("--rating-col", a->options.mapping.rating_col, "--test: rating column")
      ->capture_default_str();
  cmd->add_option("--count-col", a->options.mapping.count_col, "--test: count column (e.g. plays)");
  cmd->add_option("--time-col", a->options.mapping.time_col, "--test: timestamp column")
      ->capture_default_str();
  cmd->add_option("--type", a->options.mapping.fixed_type, "--test: one interaction type for every row")
      ->default_str("rating");
  cmd->add_option(
      "--min-rating", a->options.min_rating,
      "--test: ratings of at least this are relevant (default: above the domain's neutral rating)");
  cmd->add_option("--recommendations-out", a->recommendations_out,
                  "Write every evaluated user's top-k list of every model and of the blend (model 'ensemble') to "
                  "this CSV (user,item,rank,score,model)");
  cmd->callback([&run, a] {
    run = [a](const config::Config& config) {
      if (a->options.mapping.fixed_type.empty()) a->options.mapping.fixed_type = "rating";
      a->options.keep_lists = !a->recommendations_out.empty();
      std::ofstream lists_out;
      if (a->options.keep_lists) {
        lists_out.open(a->recommendations_out);
        if (!lists_out) {
          throw Error(Code::kInvalidArgument, "cannot write " + a->recommendations_out, "recommendations_out");
        }
        lists_out << "user,item,rank,score,model\n";
      }
      warehouse::Warehouse wh(config.warehouse);
      engine::ModelStore store(config.models.store_dir, config.models.versions_kept);
      const training::TrainingPipeline pipeline(wh, store, config);
      Progress progress;
      const training::Evaluation evaluation = pipeline.evaluate(
          a->domain, a->options, [&](const std::string& model, int it, int total, double loss) {
            progress.update(a->domain + "/" + model, it, total, loss);
          });
      progress.finish();
      const auto& held_out = evaluation.held_out;
      const auto& rows = evaluation.rows;
      for (std::size_t r = 0; r < evaluation.lists.size(); ++r) {
        for (const auto& list : evaluation.lists[r]) {
          int rank = 0;
          for (const auto& item : list.items) {
            lists_out << held_out.user_ids.name(list.user) << ',' << held_out.item_ids.name(item.item) << ','
                      << ++rank << ',' << item.score << ',' << rows[r].model << '\n';
          }
        }
      }
      if (a->json) {
        std::cout << training::evaluation_json(evaluation).dump(2) << "\n";
        return;
      }
      const auto& o = evaluation.options;
      std::cout << fmt::format("{}: {} users, {} items, {} interactions; split {}; k = {}\n", a->domain,
                               evaluation.n_users, evaluation.n_items, evaluation.n_interactions,
                               o.test_file.empty() ? o.split : o.test_file, o.k);
      std::cout << fmt::format("held out: {} rows, {} relevant ({}); {} users evaluated, {} of them unknown at "
                               "training (served the cold-start list); {} relevant rows on unknown items (misses)\n",
                               held_out.rows, held_out.relevant_rows, held_out.relevance, held_out.users.size(),
                               held_out.unknown_users, held_out.unknown_item_rows);
      std::cout << fmt::format("{:<11} {:<11} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "model", "type",
                               "users", "prec@k", "recall@k", "ndcg@k", "map@k", "hr@k", "mrr@k", "coverage");
      for (const auto& r : rows) {
        if (r.status != "evaluated") {
          std::cout << fmt::format("{:<11} {:<11} {}: {}\n", r.model, r.type_name.empty() ? "-" : r.type_name,
                                   r.status, r.reason);
          continue;
        }
        const auto& m = r.metrics;
        std::cout << fmt::format("{:<11} {:<11} {:>7} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f}\n",
                                 r.model, r.type_name, m.users, m.precision, m.recall, m.ndcg, m.map, m.hit_rate,
                                 m.mrr, m.coverage);
      }
    };
  });
}

}  // namespace mxn::cli

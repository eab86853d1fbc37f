// mxn evaluate --domain D [--split random|temporal|loo] [--k 10] [--json] [--test FILE ...] [--min-rating R]
//              [--recommendations-out FILE]: what the server would serve, evaluated on held-out data:
// popularity, every enabled model alone and the blend ("ensemble"), all fitted through the one fit path and
// ranked by the engine's own ranker (training/served_evaluation.h). Nothing is saved.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "data/snapshot.h"
#include "engine/domain_settings.h"
#include "training/held_out.h"
#include "training/served_evaluation.h"
#include "warehouse/warehouse.h"

namespace mxn::cli {

namespace {

struct EvaluateArgs {
  std::string domain;
  std::string split = "random";
  int last = 1;  // temporal: the last n interactions of each user are held out
  std::size_t k = 10;
  bool json = false;
  std::string test_file;
  warehouse::CsvImportOptions mapping;
  std::optional<double> min_rating;
  std::string recommendations_out;
};

nlohmann::json row_json(const training::EvalRow& r) {
  nlohmann::json j = {{"model", r.model}, {"type", r.type_name}, {"status", r.status}};
  if (r.status != "evaluated") {
    j["reason"] = r.reason;
    return j;
  }
  const auto& m = r.metrics;
  j.update({{"users", m.users}, {"precision", m.precision}, {"recall", m.recall}, {"ndcg", m.ndcg}, {"map", m.map},
            {"hit_rate", m.hit_rate}, {"mrr", m.mrr}, {"coverage", m.coverage}, {"seconds", m.seconds}});
  return j;
}

}  // namespace

void add_evaluate(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("evaluate", "Offline evaluation of what a domain would serve (nothing is saved)");
  auto a = std::make_shared<EvaluateArgs>();
  cmd->add_option("--domain", a->domain, "Domain to evaluate")->required();
  cmd->add_option("--split", a->split, "Held-out split: random (training.test_fraction), temporal, loo")
      ->check(CLI::IsMember({"random", "temporal", "loo"}))
      ->capture_default_str();
  cmd->add_option("--last", a->last, "temporal: interactions per user held out")->capture_default_str();
  cmd->add_option("--k", a->k, "Cut-off of the metrics")->capture_default_str();
  cmd->add_flag("--json", a->json, "Print JSON instead of a table");
  cmd->add_option("--test", a->test_file, "Held-out file (CSV or Parquet) instead of a split; train on all data");
  cmd->add_option("--user-col", a->mapping.user_col, "--test: user id column")->capture_default_str();
  cmd->add_option("--item-col", a->mapping.item_col, "--test: item id column")->capture_default_str();
  cmd->add_option("--rating-col", a->mapping.rating_col, "--test: rating column")->capture_default_str();
  cmd->add_option("--count-col", a->mapping.count_col, "--test: count column (e.g. plays)");
  cmd->add_option("--time-col", a->mapping.time_col, "--test: timestamp column")->capture_default_str();
  cmd->add_option("--type", a->mapping.fixed_type, "--test: one interaction type for every row")
      ->default_str("rating");
  cmd->add_option("--min-rating", a->min_rating,
                  "--test: ratings of at least this are relevant (default: above the domain's neutral rating)");
  cmd->add_option("--recommendations-out", a->recommendations_out,
                  "Write every evaluated user's top-k list of every model and of the blend (model 'ensemble') to "
                  "this CSV (user,item,rank,score,model)");
  cmd->callback([&run, a] {
    run = [a](const config::Config& config) {
      if (a->k < 1) throw Error(Code::kInvalidArgument, "must be >= 1", "k");
      const engine::ModelStore store(config.models.store_dir, config.models.versions_kept);
      const engine::DomainSettings settings = engine::domain_settings(config, store, a->domain);
      const config::DomainConfig& domain = settings.config;  // with the tuned values in force, as served
      if (a->mapping.fixed_type.empty()) a->mapping.fixed_type = "rating";
      warehouse::Warehouse wh(config.warehouse);
      const auto snap = data::snapshot_domain(wh, a->domain, domain.ratings, config.training.threads);
      if (snap.matrix.nnz() == 0) throw Error(Code::kFailedPrecondition, "domain has no interactions", "domain");
      training::HeldOut held_out;
      if (!a->test_file.empty()) {
        warehouse::CsvImportOptions o = a->mapping;
        o.fixed_domain = a->domain;
        o.domains = {{a->domain, domain.ratings}};
        o.type_weights = config.interactions.types;
        held_out = training::file_held_out(wh, snap, a->test_file, o, domain.ratings, a->min_rating);
      } else {
        held_out = training::split_held_out(snap, a->split, config.training.test_fraction, a->last,
                                            config.training.seed);
      }
      std::ofstream lists_out;
      if (!a->recommendations_out.empty()) {
        lists_out.open(a->recommendations_out);
        if (!lists_out) {
          throw Error(Code::kInvalidArgument, "cannot write " + a->recommendations_out, "recommendations_out");
        }
        lists_out << "user,item,rank,score,model\n";
      }

      const auto names = training::domain_model_names(domain);
      std::optional<training::ItemContent> content;
      if (std::find(names.begin(), names.end(), "embedding") != names.end()) {
        content = training::load_item_content(wh, a->domain, snap.items, domain.models.embedding);
      }
      Progress progress;
      auto fitted = training::fit_models(
          held_out.train, names,
          {.models = domain.models, .field_prefix = "domains." + a->domain + ".models",
           .content = content ? &*content : nullptr, .threads = config.training.threads,
           .progress = [&](const std::string& model, int it, int total, double loss) {
             progress.update(a->domain + "/" + model, it, total, loss);
           }});
      progress.finish();
      const training::ServedEvaluation served(snap.items, held_out.train, std::move(fitted), domain);
      std::vector<std::vector<eval::UserList>> lists;
      const auto rows = served.evaluate(held_out.users, {.k = a->k, .threads = config.training.threads, .seed = config.training.seed},
                                        lists_out.is_open() ? &lists : nullptr);
      for (std::size_t r = 0; r < lists.size(); ++r) {
        for (const auto& list : lists[r]) {
          int rank = 0;
          for (const auto& item : list.items) {
            lists_out << held_out.user_ids.name(list.user) << ',' << held_out.item_ids.name(item.item) << ','
                      << ++rank << ',' << item.score << ',' << rows[r].model << '\n';
          }
        }
      }

      const std::string split = a->test_file.empty() ? a->split : "file";
      if (a->json) {
        nlohmann::json models = nlohmann::json::array();
        for (const auto& r : rows) models.push_back(row_json(r));
        std::cout << nlohmann::json{{"domain", a->domain},
                                    {"k", a->k},
                                    {"split", split},
                                    {"test", a->test_file.empty() ? nlohmann::json() : nlohmann::json(a->test_file)},
                                    {"held_out", {{"rows", held_out.rows},
                                                  {"relevant_rows", held_out.relevant_rows},
                                                  {"users", held_out.users.size()},
                                                  {"unknown_users", held_out.unknown_users},
                                                  {"unknown_item_rows", held_out.unknown_item_rows},
                                                  {"relevance", held_out.relevance}}},
                                    {"models", models}}
                         .dump(2)
                  << "\n";
        return;
      }
      std::cout << fmt::format("{}: {} users, {} items, {} interactions; split {}; k = {}\n", a->domain,
                               snap.users.size(), snap.items.size(), snap.n_interactions,
                               a->test_file.empty() ? a->split : a->test_file, a->k);
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

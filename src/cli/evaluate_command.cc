// mxn evaluate --domain D [--split random|temporal|loo] [--k 10] [--json] [--test FILE ...] [--min-rating R]
//              [--recommendations-out FILE]: every model of the domain, fit on a training split and scored
// on the held-out part, popularity first. Nothing is saved.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "data/snapshot.h"
#include "data/split.h"
#include "eval/evaluator.h"
#include "models/registry.h"
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

/// A test matrix of the snapshot's shape from a held-out file: rows of users and items the training data
/// knows; relevant = rating >= min_rating when given, else a positive weight.
data::InteractionMatrix test_matrix(const warehouse::Warehouse& wh, const data::DomainSnapshot& snap,
                                    const EvaluateArgs& a, const config::Config& config) {
  warehouse::CsvImportOptions o = a.mapping;
  o.fixed_domain = a.domain;
  o.type_weights = config.interactions.types;
  o.rating_min = config.interactions.rating_min;
  o.rating_max = config.interactions.rating_max;
  o.rating_neutral = config.interactions.rating_neutral;
  o.domains = {a.domain};
  std::vector<data::Triplet> triplets;
  std::size_t skipped = 0;
  wh.read_interactions_file(a.test_file, o, [&](const warehouse::InteractionRecord& r) {
    auto u = snap.users.find(r.user_id);
    auto i = snap.items.find(r.item_id);
    if (!u || !i) {
      ++skipped;
      return;
    }
    const bool relevant = a.min_rating ? r.rating.value_or(-1e300) >= *a.min_rating : r.weight > 0;
    triplets.push_back({.user = *u, .item = *i, .weight = relevant ? 1.0f : 0.0f, .timestamp_us = r.timestamp_us});
  });
  if (skipped > 0) {
    std::cerr << fmt::format("evaluate: {} test rows name users or items the training data does not have; skipped\n",
                             skipped);
  }
  return data::InteractionMatrix::from_triplets(std::move(triplets), snap.matrix.n_users(), snap.matrix.n_items());
}

}  // namespace

void add_evaluate(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("evaluate", "Offline evaluation of every model of a domain (nothing is saved)");
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
  cmd->add_option("--time-col", a->mapping.time_col, "--test: timestamp column")->capture_default_str();
  cmd->add_option("--type", a->mapping.fixed_type, "--test: one interaction type for every row")
      ->default_str("rating");
  cmd->add_option("--min-rating", a->min_rating, "--test: only rows rated at least this count as relevant");
  cmd->add_option("--recommendations-out", a->recommendations_out,
                  "Write every evaluated user's top-k list to this CSV (user,item,rank,score,model)");
  cmd->callback([&run, a] {
    run = [a](const config::Config& config) {
      const config::DomainConfig& domain = config.domain(a->domain);
      if (a->k < 1) throw Error(Code::kInvalidArgument, "must be >= 1", "k");
      if (a->mapping.fixed_type.empty()) a->mapping.fixed_type = "rating";
      warehouse::Warehouse wh(config.warehouse);
      const auto snap = data::snapshot_domain(wh, a->domain, config.training.threads);
      if (snap.matrix.nnz() == 0) throw Error(Code::kFailedPrecondition, "domain has no interactions", "domain");
      data::Split split;
      if (!a->test_file.empty()) {
        split.train = snap.matrix;
        split.test = test_matrix(wh, snap, *a, config);
      } else if (a->split == "temporal") {
        split = data::split_temporal(snap.matrix, a->last);
      } else if (a->split == "loo") {
        split = data::split_leave_one_out(snap.matrix, config.training.seed);
      } else {
        split = data::split_random_holdout(snap.matrix, config.training.test_fraction, config.training.seed);
      }
      const eval::Evaluator evaluator({.k = a->k, .threads = config.training.threads,
                                       .max_users = static_cast<std::size_t>(config.training.eval_max_users),
                                       .seed = config.training.seed});
      std::vector<std::string> names = {"popularity"};
      names.insert(names.end(), domain.models.enabled.begin(), domain.models.enabled.end());
      std::ofstream lists_out;
      if (!a->recommendations_out.empty()) {
        lists_out.open(a->recommendations_out);
        if (!lists_out) throw Error(Code::kInvalidArgument, "cannot write " + a->recommendations_out, "recommendations_out");
        lists_out << "user,item,rank,score,model\n";
      }
      nlohmann::json results = nlohmann::json::array();
      Progress progress;
      for (const auto& name : names) {
        auto model = models::make_recommender(name, domain.models, "domains." + a->domain + ".models");
        model->fit(split.train, {.threads = config.training.threads, .progress = [&](int it, int total, double loss) {
                                   progress.update(a->domain + "/" + name, it, total, loss);
                                 }});
        progress.finish();
        std::vector<eval::UserList> lists;
        const auto m = evaluator.evaluate(*model, split.train, split.test, lists_out.is_open() ? &lists : nullptr);
        for (const auto& list : lists) {
          int rank = 0;
          for (const auto& item : list.items) {
            lists_out << snap.users.name(list.user) << ',' << snap.items.name(item.item) << ',' << ++rank << ','
                      << item.score << ',' << name << '\n';
          }
        }
        results.push_back({{"model", name}, {"type", model->type_name()}, {"users", m.users}, {"precision", m.precision},
                           {"recall", m.recall}, {"ndcg", m.ndcg}, {"map", m.map}, {"hit_rate", m.hit_rate},
                           {"mrr", m.mrr}, {"coverage", m.coverage}});
      }
      if (a->json) {
        std::cout << nlohmann::json{{"domain", a->domain}, {"k", a->k},
                                    {"split", a->test_file.empty() ? a->split : "file"}, {"models", results}}
                         .dump(2)
                  << "\n";
        return;
      }
      std::cout << fmt::format("{} ({} users, {} items; split {}; k = {})\n", a->domain, snap.users.size(),
                               snap.items.size(), a->test_file.empty() ? a->split : a->test_file, a->k);
      std::cout << fmt::format("{:<11} {:<11} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "model", "type",
                               "users", "prec@k", "recall@k", "ndcg@k", "map@k", "hr@k", "mrr@k", "coverage");
      for (const auto& r : results) {
        std::cout << fmt::format("{:<11} {:<11} {:>7} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f}\n",
                                 r["model"].get<std::string>(), r["type"].get<std::string>(), r["users"].get<std::size_t>(),
                                 r["precision"].get<double>(), r["recall"].get<double>(), r["ndcg"].get<double>(),
                                 r["map"].get<double>(), r["hit_rate"].get<double>(), r["mrr"].get<double>(),
                                 r["coverage"].get<double>());
      }
    };
  });
}

}  // namespace mxn::cli

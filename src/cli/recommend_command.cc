// mxn recommend --user U --domain D [--query TEXT] [--top-k K]: recommendations from the stored models, as a
// readable table (the same engine the server uses; needs the warehouse, so not while a server holds it).

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "engine/recommendation_engine.h"
#include "warehouse/warehouse.h"

namespace mxn::cli {

void add_recommend(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("recommend", "Show recommendations for one user");
  auto request = std::make_shared<engine::RecommendRequest>();
  cmd->add_option("--user", request->user_id, "User id")->required();
  cmd->add_option("--domain", request->domain, "Domain")->required();
  cmd->add_option("--query", request->query_text, "Semantic query (embedding model)");
  cmd->add_option("--top-k", request->top_k, "How many")->capture_default_str();
  cmd->add_option("--model", request->model_types, "Models to blend (knn, collab, embedding, popularity)");
  cmd->callback([&run, request] {
    run = [request](const config::Config& config) {
      config.domain(request->domain);
      warehouse::Warehouse wh(config.warehouse);
      engine::ModelStore store(config.models.store_dir, config.models.versions_kept);
      engine::RecommendationEngine engine(wh, store, config);
      engine.start();
      const auto recs = engine.recommend(*request);
      std::cout << fmt::format("{} in {}{} (models: {})\n", recs.user_id, recs.domain,
                               recs.cold_start ? ", no history: popular items" : "",
                               fmt::join(recs.models_used, ", "));
      std::cout << fmt::format("{:>4}  {:<14} {:<44} {:>7}  {}\n", "rank", "item", "title", "score", "reason");
      for (const auto& item : recs.items) {
        std::cout << fmt::format("{:>4}  {:<14} {:<44.44} {:>7.4f}  {}\n", item.rank, item.item_id, item.title,
                                 item.score, item.reason);
      }
    };
  });
}

}  // namespace mxn::cli

#include "training/served_evaluation.h"

#include <algorithm>

#include "core/error.h"

namespace mxn::training {

ServedEvaluation::ServedEvaluation(const IdMap& items, const data::InteractionMatrix& train,
                                   std::vector<FittedModel> fitted, const config::DomainConfig& domain)
    : train_(train), domain_(domain) {
  MXN_CHECK(static_cast<std::size_t>(train.n_items()) == items.size(), "the training matrix and its items disagree");
  for (std::size_t i = 0; i < items.size(); ++i) live_.item_index(items.name(static_cast<std::int32_t>(i)));
  for (auto& f : fitted) {
    order_.push_back(f.name);
    if (f.status != "fitted") {
      not_fitted_.push_back({.model = f.name, .status = f.status, .reason = f.reason});
      continue;
    }
    const std::string type(f.model->type_name());
    add_served_model(set_, live_, f.name, std::move(f.model), items, engine::ModelMeta{.model = f.name, .type_name = type});
  }
}

std::vector<std::string> ServedEvaluation::fitted_names() const {
  std::vector<std::string> out;
  for (const auto& name : order_) {
    if (set_.models.count(name)) out.push_back(name);
  }
  return out;
}

engine::RankRequest ServedEvaluation::request(UserIndex user, std::size_t k, const std::vector<std::string>& models,
                                              std::vector<engine::LiveEntry>& row) const {
  row.clear();
  if (user < train_.n_users()) {
    const auto r = train_.row(user);
    const auto ts = train_.row_timestamps(user);
    row.reserve(r.size());
    for (std::size_t e = 0; e < r.size(); ++e) row.push_back({r.items[e], r.weights[e], ts[e], r.weights[e] < 0});
  }
  engine::RankRequest ask{.row = row, .top_k = k, .models = models};
  ask.excluded.reserve(row.size());
  for (const auto& e : row) ask.excluded.push_back(e.item);
  return ask;
}

engine::Candidates ServedEvaluation::candidates(UserIndex user, std::size_t k,
                                                const std::vector<std::string>& models) const {
  std::vector<engine::LiveEntry> row;
  return engine::candidates(set_, live_, request(user, k, models, row), domain_);
}

engine::Ranking ServedEvaluation::finish(const engine::Candidates& candidates, UserIndex user, std::size_t k,
                                         const config::EnsembleConfig& ensemble) const {
  std::vector<engine::LiveEntry> row;
  return engine::finish(candidates, set_, live_, request(user, k, {}, row), ensemble);
}

engine::Ranking ServedEvaluation::rank(UserIndex user, std::size_t k, const std::vector<std::string>& models,
                                       const config::EnsembleConfig& ensemble) const {
  std::vector<engine::LiveEntry> row;
  const engine::RankRequest ask = request(user, k, models, row);
  return engine::finish(engine::candidates(set_, live_, ask, domain_), set_, live_, ask, ensemble);
}

eval::Metrics ServedEvaluation::evaluate(const std::vector<eval::HeldOutUser>& users, const eval::EvalOptions& options,
                                        const std::vector<std::string>& models,
                                        const config::EnsembleConfig& ensemble,
                                        std::vector<eval::UserList>* lists,
                                        std::vector<eval::RankingMetrics>* per_user) const {
  return eval::Evaluator(options).evaluate(
      users,
      [&](UserIndex u, std::size_t k) {
        std::vector<models::ScoredItem> items;
        for (const auto& b : rank(u, k, models, ensemble).items) items.push_back({b.item, static_cast<float>(b.score)});
        return items;
      },
      train_.n_items(), lists, per_user);
}

std::vector<EvalRow> ServedEvaluation::evaluate(const std::vector<eval::HeldOutUser>& users,
                                                const eval::EvalOptions& options,
                                                std::vector<std::vector<eval::UserList>>* lists) const {
  std::vector<EvalRow> out;
  auto run = [&](const std::string& model, const std::string& type, const std::vector<std::string>& models) {
    std::vector<eval::UserList> user_lists;
    out.push_back({.model = model, .type_name = type, .status = "evaluated",
                   .metrics = evaluate(users, options, models, domain_.ensemble, lists ? &user_lists : nullptr)});
    if (lists) lists->push_back(std::move(user_lists));
  };
  std::vector<std::string> names = order_;
  std::stable_partition(names.begin(), names.end(), [](const std::string& n) { return n == "popularity"; });
  for (const auto& name : names) {
    auto it = set_.models.find(name);
    if (it == set_.models.end()) {
      auto nf = std::find_if(not_fitted_.begin(), not_fitted_.end(), [&](const EvalRow& r) { return r.model == name; });
      out.push_back(*nf);
      if (lists) lists->emplace_back();
      continue;
    }
    run(name, it->second.meta.type_name, {name});
  }
  run(kEnsemble, kEnsemble, {});
  return out;
}

}  // namespace mxn::training

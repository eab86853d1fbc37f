#pragma once
// ModelStore: versioned trained models on disk, one folder per version:
//   <root>/<domain>/<model>/v<N>/model.bin   the model (ModelWriter format)
//                               /ids.bin     the user and item IdMaps the model's indices refer to
//                               /meta.json   params, data sizes, metrics, data fingerprint, created_at,
//                                            and the checksum of model.bin + ids.bin
//   <root>/<domain>/<model>/serving          the version served (absent: the newest not held back)
//   <root>/<domain>/tuned/v<N>/tuned.json   the values `mxn tune` found (training/tuner.h)
// A version is written into a temporary folder (files fsynced), then renamed into place, so a reader never
// sees half a version. Loading verifies the checksum and the format version and falls back to the previous
// version when the served one is damaged. After a save only the newest `versions_kept` versions remain, and
// the served one.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/id_map.h"
#include "models/recommender.h"

namespace mxn::engine {

/// What meta.json records about one saved version.
struct ModelMeta {
  std::string domain;
  std::string model;       // the name served under: knn, collab, embedding, popularity
  std::string type_name;   // the Recommender type: item_knn, als, ...
  int version = 0;
  std::string params;      // params_text()
  std::int64_t n_users = 0;
  std::int64_t n_items = 0;
  std::int64_t n_interactions = 0;
  nlohmann::json metrics = nlohmann::json::object();
  std::string data_fingerprint;  // identifies the training data (e.g. count + latest timestamp + id maps)
  std::int64_t created_at_us = 0;
  double train_seconds = 0;
  std::string checksum;          // of model.bin and ids.bin, set by the store
  std::string held_back;         // why the quality gate kept this version from being served; empty: it passed
};

/// A model read back with its id maps.
struct LoadedModel {
  std::unique_ptr<models::Recommender> model;
  IdMap users;
  IdMap items;
  ModelMeta meta;
};

class ModelStore {
 public:
  ModelStore(std::filesystem::path root, int versions_kept);

  /// Saves a fitted model as the next version and prunes old ones; returns the new version number.
  int save(const models::Recommender& model, const IdMap& users, const IdMap& items, ModelMeta meta);

  /// The version to serve: the one set_serving() chose (a publish or a rollback), else (a store written
  /// before it existed, or that version was removed) the newest version not held back; nullopt: none.
  std::optional<int> serving(const std::string& domain, const std::string& model) const;
  /// Makes `version` the one served, durably (the pointer file <domain>/<model>/serving, replaced
  /// atomically). Error{kNotFound, "version"} when there is no such version.
  void set_serving(const std::string& domain, const std::string& model, int version);
  /// The serving version if it loads cleanly, else (with a warning) the newest older one that does and was
  /// not held back; nullopt when none does.
  std::optional<LoadedModel> load_serving(const std::string& domain, const std::string& model) const;
  /// One version; Error{kNotFound} when absent, Error{kCorrupt} when damaged (checksum, format).
  LoadedModel load(const std::string& domain, const std::string& model, int version) const;

  /// Saved versions, ascending.
  std::vector<int> versions(const std::string& domain, const std::string& model) const;

  /// Saves the record of a tuning run (training/tuner.h) as the domain's next tuned version,
  /// <root>/<domain>/tuned/v<N>/tuned.json, written like a model version (complete or absent; old versions
  /// pruned); its "version" is set. Returns the version.
  int save_tuned(const std::string& domain, nlohmann::json record);
  /// The newest tuned record of a domain that reads back, or nullopt.
  std::optional<nlohmann::json> latest_tuned(const std::string& domain) const;
  /// meta.json of one version (not verified against the files).
  ModelMeta meta(const std::string& domain, const std::string& model, int version) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path dir(const std::string& domain, const std::string& model) const;
  void prune(const std::string& domain, const std::string& model) const;
  /// The version's meta says the quality gate held it back.
  bool held_back(const std::string& domain, const std::string& model, int version) const;
  /// Writes the files `files(version)` gives for the next version of domain/model into a temporary folder
  /// (synced), renames it into place, prunes old versions; returns the version.
  int write_version(const std::string& domain, const std::string& model,
                    const std::function<std::vector<std::pair<std::string, std::string>>(int)>& files);

  std::filesystem::path root_;
  int versions_kept_;
};

nlohmann::json to_json(const ModelMeta& meta);
ModelMeta meta_from_json(const nlohmann::json& j);

}  // namespace mxn::engine

#include "engine/model_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "core/error.h"
#include "core/log.h"
#include "models/registry.h"

namespace mxn::engine {

namespace fs = std::filesystem;

namespace {

constexpr const char* kModelFile = "model.bin";
constexpr const char* kIdsFile = "ids.bin";
constexpr const char* kMetaFile = "meta.json";
constexpr const char* kTuned = "tuned";
constexpr const char* kTunedFile = "tuned.json";
constexpr const char* kServingFile = "serving";

std::string fnv1a_hex(const std::vector<std::string>& blobs) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& blob : blobs) {
    for (unsigned char c : blob) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

void fsync_path(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw Error(Code::kUnavailable, "cannot open " + path.string() + " to sync it", "models.store_dir");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw Error(Code::kUnavailable, "fsync failed for " + path.string(), "models.store_dir");
}

void write_synced(const fs::path& path, const std::string& bytes) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw Error(Code::kUnavailable, "cannot write " + path.string(), "models.store_dir");
  }
  fsync_path(path, O_RDONLY);
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Code::kNotFound, "missing file " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<int> parse_version(const std::string& name) {
  if (name.size() < 2 || name[0] != 'v') return std::nullopt;
  // Nine digits at most: a folder named like a version beyond int (v99999999999) is not one of ours.
  if (name.size() > 10 ||
      !std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoi(name.substr(1));
}

}  // namespace

nlohmann::json to_json(const ModelMeta& m) {
  return {{"domain", m.domain},
          {"model", m.model},
          {"type_name", m.type_name},
          {"version", m.version},
          {"params", m.params},
          {"n_users", m.n_users},
          {"n_items", m.n_items},
          {"n_interactions", m.n_interactions},
          {"metrics", m.metrics},
          {"data_fingerprint", m.data_fingerprint},
          {"created_at_us", m.created_at_us},
          {"train_seconds", m.train_seconds},
          {"checksum", m.checksum},
          {"held_back", m.held_back}};
}

ModelMeta meta_from_json(const nlohmann::json& j) {
  ModelMeta m;
  try {
    m.domain = j.at("domain");
    m.model = j.at("model");
    m.type_name = j.at("type_name");
    m.version = j.at("version");
    m.params = j.at("params");
    m.n_users = j.at("n_users");
    m.n_items = j.at("n_items");
    m.n_interactions = j.at("n_interactions");
    m.metrics = j.at("metrics");
    m.data_fingerprint = j.at("data_fingerprint");
    m.created_at_us = j.at("created_at_us");
    m.train_seconds = j.at("train_seconds");
    m.checksum = j.at("checksum");
    m.held_back = j.value("held_back", "");  // written since the quality gate exists
  } catch (const nlohmann::json::exception& e) {
    throw Error(Code::kCorrupt, std::string("meta.json is incomplete: ") + e.what());
  }
  return m;
}

ModelStore::ModelStore(fs::path root, int versions_kept) : root_(std::move(root)), versions_kept_(versions_kept) {
  MXN_CHECK(versions_kept_ >= 1, "versions_kept must be >= 1");
}

fs::path ModelStore::dir(const std::string& domain, const std::string& model) const { return root_ / domain / model; }

std::vector<int> ModelStore::versions(const std::string& domain, const std::string& model) const {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir(domain, model), ec)) {
    if (auto v = parse_version(entry.path().filename().string()); v && entry.is_directory()) out.push_back(*v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int ModelStore::save(const models::Recommender& model, const IdMap& users, const IdMap& items, ModelMeta meta) {
  std::ostringstream model_bytes, id_bytes;
  models::ModelWriter writer(model_bytes, items.checksum());
  model.save(writer);
  MXN_CHECK(writer.finished(), "model save did not end its file");
  BinaryWriter ids(id_bytes);
  users.save(ids);
  items.save(ids);
  meta.type_name = std::string(model.type_name());
  meta.params = model.params_text();
  meta.checksum = fnv1a_hex({model_bytes.str(), id_bytes.str()});

  const std::string model_file = model_bytes.str(), id_file = id_bytes.str();
  meta.version = write_version(meta.domain, meta.model, [&](int version) {
    meta.version = version;
    return std::vector<std::pair<std::string, std::string>>{
        {kModelFile, model_file}, {kIdsFile, id_file}, {kMetaFile, to_json(meta).dump(2)}};
  });
  log::info("model.saved", "domain", meta.domain, "model", meta.model, "version", meta.version, "type",
            meta.type_name);
  return meta.version;
}

int ModelStore::write_version(const std::string& domain, const std::string& model,
                              const std::function<std::vector<std::pair<std::string, std::string>>(int)>& files) {
  const fs::path parent = dir(domain, model);
  fs::create_directories(parent);
  std::random_device rd;
  int version = 0;
  for (;;) {
    auto existing = versions(domain, model);
    version = existing.empty() ? 1 : existing.back() + 1;
    const fs::path tmp = parent / (".tmp-v" + std::to_string(version) + "-" + std::to_string(rd()));
    fs::create_directories(tmp);
    for (const auto& [name, bytes] : files(version)) write_synced(tmp / name, bytes);
    fsync_path(tmp, O_RDONLY | O_DIRECTORY);
    std::error_code ec;
    fs::rename(tmp, parent / ("v" + std::to_string(version)), ec);
    if (!ec) break;
    fs::remove_all(tmp);  // another writer took this number first: try the next one
    if (ec != std::errc::directory_not_empty && ec != std::errc::file_exists) {
      throw Error(Code::kUnavailable, "cannot publish a version in " + parent.string() + ": " + ec.message(),
                  "models.store_dir");
    }
  }
  fsync_path(parent, O_RDONLY | O_DIRECTORY);
  prune(domain, model);
  return version;
}

int ModelStore::save_tuned(const std::string& domain, nlohmann::json record) {
  const int version = write_version(domain, kTuned, [&](int v) {
    record["version"] = v;
    return std::vector<std::pair<std::string, std::string>>{{kTunedFile, record.dump(2)}};
  });
  log::info("model.tuned_saved", "domain", domain, "version", version);
  return version;
}

std::optional<nlohmann::json> ModelStore::latest_tuned(const std::string& domain) const {
  auto all = versions(domain, kTuned);
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const fs::path path = dir(domain, kTuned) / ("v" + std::to_string(*it)) / kTunedFile;
    try {
      return nlohmann::json::parse(read_all(path));
    } catch (const std::exception& e) {
      log::warn("model.tuned_load_failed", "domain", domain, "version", *it, "error", e.what());
    }
  }
  return std::nullopt;
}

void ModelStore::prune(const std::string& domain, const std::string& model) const {
  auto all = versions(domain, model);
  const auto kept = serving(domain, model);
  for (std::size_t i = 0; i + static_cast<std::size_t>(versions_kept_) < all.size(); ++i) {
    if (all[i] == kept) continue;
    std::error_code ec;
    fs::remove_all(dir(domain, model) / ("v" + std::to_string(all[i])), ec);
  }
}

ModelMeta ModelStore::meta(const std::string& domain, const std::string& model, int version) const {
  const fs::path path = dir(domain, model) / ("v" + std::to_string(version)) / kMetaFile;
  if (!fs::exists(path)) {
    throw Error(Code::kNotFound, "no version " + std::to_string(version) + " of " + domain + "/" + model, "version");
  }
  try {
    return meta_from_json(nlohmann::json::parse(read_all(path)));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(Code::kCorrupt, path.string() + " is not valid JSON: " + e.what());
  }
}

LoadedModel ModelStore::load(const std::string& domain, const std::string& model, int version) const {
  const fs::path vdir = dir(domain, model) / ("v" + std::to_string(version));
  LoadedModel out;
  out.meta = meta(domain, model, version);
  const std::string model_bytes = read_all(vdir / kModelFile);
  const std::string id_bytes = read_all(vdir / kIdsFile);
  const std::string checksum = fnv1a_hex({model_bytes, id_bytes});
  if (checksum != out.meta.checksum) {
    throw Error(Code::kCorrupt, vdir.string() + ": checksum mismatch (meta.json says " + out.meta.checksum +
                                    ", files hash to " + checksum + ")");
  }
  std::istringstream ids_in(id_bytes);
  BinaryReader ids(ids_in);
  out.users = IdMap::load(ids);
  out.items = IdMap::load(ids);
  std::istringstream model_in(model_bytes);
  models::ModelReader reader(model_in, out.items.checksum());
  out.model = models::make_empty_recommender(reader.header().type_name);
  out.model->load(reader);  // reads up to and including the end marker
  return out;
}

std::optional<int> ModelStore::serving(const std::string& domain, const std::string& model) const {
  const auto all = versions(domain, model);
  try {
    const int chosen = std::stoi(read_all(dir(domain, model) / kServingFile));
    if (std::binary_search(all.begin(), all.end(), chosen)) return chosen;
  } catch (const std::exception&) {
    // no pointer (or an unreadable one): the newest version not held back
  }
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!held_back(domain, model, *it)) return *it;
  }
  return std::nullopt;
}

bool ModelStore::held_back(const std::string& domain, const std::string& model, int version) const {
  try {
    return !meta(domain, model, version).held_back.empty();
  } catch (const Error&) {
    return false;  // unreadable: loading it will say why
  }
}

void ModelStore::set_serving(const std::string& domain, const std::string& model, int version) {
  const auto all = versions(domain, model);
  if (!std::binary_search(all.begin(), all.end(), version)) {
    throw Error(Code::kNotFound, "no version " + std::to_string(version) + " of " + domain + "/" + model,
                "version");
  }
  const fs::path pointer = dir(domain, model) / kServingFile;
  const fs::path tmp = dir(domain, model) / (std::string(".") + kServingFile + ".tmp");
  write_synced(tmp, std::to_string(version) + "\n");
  std::error_code ec;
  fs::rename(tmp, pointer, ec);
  if (ec) {
    throw Error(Code::kUnavailable, "cannot write " + pointer.string() + ": " + ec.message(),
                "models.store_dir");
  }
  fsync_path(dir(domain, model), O_RDONLY | O_DIRECTORY);
  log::info("model.serving", "domain", domain, "model", model, "version", version);
}

std::optional<LoadedModel> ModelStore::load_serving(const std::string& domain,
                                                    const std::string& model) const {
  const auto top = serving(domain, model);
  if (!top) return std::nullopt;
  const auto all = versions(domain, model);
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (*it > *top || (*it != *top && held_back(domain, model, *it))) continue;
    try {
      return load(domain, model, *it);
    } catch (const Error& e) {
      log::warn("model.load_failed", "domain", domain, "model", model, "version", *it, "error", e.what());
    }
  }
  return std::nullopt;
}

}  // namespace mxn::engine

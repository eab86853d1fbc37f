#pragma once
// Typed parameters of each model, as they appear in config (domains.<d>.models.<model>) and in model
// files. Each validate() appends one FieldError per problem, with `prefix` + "." + key as the field.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace mxn {

/// The models a domain can serve, by their config and API names, in serving order; popularity is always
/// trained (the cold-start fallback). The one list every layer checks names against.
inline constexpr std::string_view kModelNames[] = {"knn", "collab", "ease", "rp3beta", "embedding", "popularity"};
/// "knn, collab, ..." for messages.
std::string model_names_text();
/// True when `name` is one of kModelNames.
bool is_model_name(std::string_view name);

struct PopularityParams {
  double half_life_days = 0.0;  // weight of an interaction halves every this many days; 0 = no decay
  void validate(std::string_view prefix, std::vector<FieldError>& out) const;
  bool operator==(const PopularityParams&) const = default;
};

struct ItemKnnParams {
  std::string similarity = "cosine";  // cosine | euclidean | jaccard | bm25
  int neighbors = 400;                // top-K neighbours kept per item
  double shrinkage = 100.0;           // sim * n / (n + shrinkage), n = co-occurrence count
  double bm25_k1 = 1.2;
  double bm25_b = 0.75;
  void validate(std::string_view prefix, std::vector<FieldError>& out) const;
  bool operator==(const ItemKnnParams&) const = default;
};

struct AlsParams {
  int factors = 64;
  double regularization = 200.0;
  double alpha = 20.0;             // implicit confidence 1 + alpha * weight
  int iterations = 15;
  int cg_steps = 3;                // conjugate-gradient steps per user/item solve (implicit)
  std::string feedback = "implicit";  // implicit | explicit (rating regression: ranks poorly for top-k)
  std::uint64_t seed = 42;
  void validate(std::string_view prefix, std::vector<FieldError>& out) const;
  bool operator==(const AlsParams&) const = default;
};

struct BprParams {
  int factors = 64;
  double learning_rate = 0.05;
  double regularization = 0.01;
  int epochs = 30;
  int fold_in_steps = 50;          // gradient steps when folding in a new user row
  std::uint64_t seed = 42;
  void validate(std::string_view prefix, std::vector<FieldError>& out) const;
  bool operator==(const BprParams&) const = default;
};

struct EaseParams {
  double lambda = 250.0;   // L2 regularisation of the item-item weights (the Gram diagonal's shift)
  int max_items = 30000;   // refuse to fit above this many items with interactions (memory: items² floats)
  void validate(std::string_view prefix, std::vector<FieldError>& out) const;
  bool operator==(const EaseParams&) const = default;
};

struct Rp3betaParams {
  double alpha = 0.5;  // exponent on the random walk's transition probabilities
  double beta = 0.4;   // popularity penalty: a target item's weight is divided by its popularity^beta
  int neighbors = 400; // top-K weights kept per item
  void validate(std::string_view prefix, std::vector<FieldError>& out) const;
  bool operator==(const Rp3betaParams&) const = default;
};

/// The "collab" model of the API: matrix factorisation by ALS or BPR.
struct CollabParams {
  std::string algorithm = "als";  // als | bpr
  AlsParams als;
  BprParams bpr;
  void validate(std::string_view prefix, std::vector<FieldError>& out) const;
  bool operator==(const CollabParams&) const = default;
};

struct EmbeddingParams {
  static constexpr int kMaxHashingDim = 1 << 20;  // the hashing encoder's largest output size

  std::string encoder = "hashing";  // hashing | minilm
  int dim = 384;                    // hashing encoder output size (minilm: from the model)
  std::string model_path;           // minilm: sentence-transformers model folder
  double query_weight = 0.5;        // blend of query_text vector vs history vector
  int hnsw_threshold = 5000;        // exact search below this catalog size, HNSW at or above
  int hnsw_m = 16;
  int hnsw_ef_construction = 200;
  int hnsw_ef_search = 100;
  std::string history = "neighbors";  // how a history is scored: neighbors (item to item) | profile (search)
  int neighbors = 100;              // nearest items by text kept per item (history: neighbors)
  void validate(std::string_view prefix, std::vector<FieldError>& out) const;
  bool operator==(const EmbeddingParams&) const = default;
};

}  // namespace mxn

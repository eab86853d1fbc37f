#pragma once
// Recommender: the one interface of every model (popularity, item_knn, als, bpr, embedding). A model is
// fit on an InteractionMatrix, then scores items for a user given that user's *current* row (so users
// unseen at training time, and behaviour newer than the model, are served by fold-in), optionally lists
// similar items, and saves/loads itself through ModelWriter/ModelReader.
//
// Indices are the dense ones of the domain's IdMap; a live row may hold items newer than the model
// (index >= n_items()): models ignore them. After fit() or load() the const methods are thread-safe.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/id_map.h"
#include "data/interaction_matrix.h"
#include "data/sparse_row.h"
#include "models/item_filter.h"
#include "models/model_reader.h"
#include "models/model_writer.h"

namespace mxn::models {

struct ScoredItem {
  ItemIndex item = 0;
  float score = 0;  // model-specific scale; higher is better
  bool operator==(const ScoredItem&) const = default;
};

struct FitOptions {
  int threads = 0;  // OpenMP threads; 0 = all available
  /// Called after each iteration / epoch (1-based) with the training loss (NaN when the model has none).
  /// It runs on the calling thread; throwing from it aborts fit() (the model is then not fitted).
  std::function<void(int iteration, int total, double loss)> progress;
};

class Recommender {
 public:
  virtual ~Recommender() = default;

  /// "popularity", "item_knn", "als", "bpr", ...: the key a model file records and the registry uses.
  virtual std::string_view type_name() const = 0;

  /// interactions: users x items; values are aggregated weights (see InteractionMatrix). Replaces any
  /// previous state. The matrix is not referenced after fit() returns.
  virtual void fit(const data::InteractionMatrix& interactions, const FitOptions& options) = 0;
  /// False when fit() uses only the matrix's shape (n_items), not its interactions: a model fitted on a
  /// training split is then the same as one fitted on all the data. True by default.
  virtual bool learns_from_interactions() const { return true; }

  /// Best first (ties: lower item index first); never an item in `exclude`; fewer than k when the
  /// items the model can score run out. `row` is the user's live row (sorted items, see SparseRow);
  /// an empty row gives an empty list (popularity: the most popular items).
  /// Throws Error{kFailedPrecondition} before fit()/load(), Error{kInvalidArgument} for a malformed row.
  virtual std::vector<ScoredItem> recommend(const data::SparseRow& row, std::size_t k,
                                            const ItemFilter& exclude) const = 0;

  /// Optional: the k items most similar to `item`, best first, never `item` itself.
  /// The default throws Error{kNotSupported}; unknown items are an Error{kNotFound, field "item"}.
  virtual std::vector<ScoredItem> similar_items(ItemIndex item, std::size_t k) const;

  /// Optional: recommend() for a user who also typed a free-text query (semantic search). An empty row
  /// with a query is pure search by the query; an empty query is recommend(). The default throws
  /// Error{kNotSupported}.
  virtual std::vector<ScoredItem> recommend_for_query(const data::SparseRow& row, std::string_view query,
                                                      std::size_t k, const ItemFilter& exclude) const;

  /// Writes the whole trained state (header, params, arrays). Throws Error{kFailedPrecondition} when
  /// not fitted.
  virtual void save(ModelWriter& out) const = 0;
  /// Replaces this model's state with a saved one of the same type; a file of another type, of a newer
  /// format version, or damaged is an Error{kCorrupt}.
  virtual void load(ModelReader& in) = 0;

  /// True after a successful fit() or load().
  virtual bool is_fitted() const = 0;
  /// After fit(): why the model learned nothing it could rank with (e.g. "no two items share a user"), or
  /// empty when it did. Such a model is neither published nor blended.
  virtual std::string unfit_reason() const { return {}; }
  /// Items the model knows (the n_items of the training matrix); 0 before fit.
  virtual ItemIndex n_items() const = 0;
  /// Params as "key=value" pairs separated by spaces, for logs, training history and file headers.
  virtual std::string params_text() const = 0;
};

}  // namespace mxn::models

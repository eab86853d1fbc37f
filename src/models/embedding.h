#pragma once
// Embedding: content-based recommendations from the items' text.
//
// Every item has a vector: its catalog text encoded by a TextEncoder (L2-normalised; all zeros for an item
// without text, which is never returned). Similarity is cosine; a VectorIndex finds nearest vectors: exact
// below params.hnsw_threshold items, HNSW at or above.
//
// History (recommend), params.history:
//   neighbors (default): content-based item to item. At fit time every item gets its params.neighbors
//     nearest items by text (itself included, at similarity 1). A user's score for item j is the weighted
//     mean of the similarities of the row's items to j, over the row items whose list holds j:
//       score(j) = sum_q w_q cos(q, j) / sum_q |w_q|   (dislikes, with negative weights, subtract)
//     and items with a positive score are ranked, as item-KNN does with co-occurrence neighbours. Over all
//     items this sum ranks as the cosine with the mean vector below; kept to each item's nearest, each liked
//     item pulls in what reads like it, and a request costs a few thousand additions instead of a search.
//   profile: the index returns the items nearest to the user's profile, the normalised weighted mean of the
//     row's vectors (dislikes subtract); scores are cosine similarities.
//
// Query (recommend_for_query): semantic search. The query, encoded by the same encoder, is blended with the
// profile above: (1 - query_weight) * profile + query_weight * query, normalised (with an empty row, the query
// alone), and the index returns the items nearest to it; scores are cosine similarities. An empty query, or
// one without any feature, is recommend().
//
// The model never reads the catalog: the caller hands it the encoder and the item vectors (set_content();
// training/item_vectors.h builds them and caches them in the warehouse), then fit() checks them against
// the matrix (n_items rows) and builds the index and the neighbour lists; the interactions themselves do not
// change the vectors. Saved: params, the encoder's name and state (hashing: options and IDF; minilm: its
// fingerprint, checked against the folder at params.model_path on load), the vectors, the index (an HNSW
// graph is saved, so a restart serves the same lists at once) and the neighbour lists. Format 1 files (before
// the lists) load as history "profile", which is what they served.

#include <memory>
#include <string_view>
#include <vector>

#include "core/model_params.h"
#include "models/neighbor_lists.h"
#include "models/recommender.h"
#include "models/vector_index.h"
#include "text/text_encoder.h"

namespace mxn::models {

class Embedding final : public Recommender {
 public:
  static constexpr std::string_view kTypeName = "embedding";
  static constexpr std::uint32_t kFormatVersion = 2;

  /// Invalid params are an Error listing every problem, fields named `field_prefix`.<key>.
  explicit Embedding(EmbeddingParams params = {}, std::string_view field_prefix = "embedding");

  /// encoder: the fitted encoder the vectors came from (queries are encoded with it);
  /// vectors: n_items x encoder->dim(), row i = item i. Consumed by the next fit().
  /// Error{kInvalidArgument, field "vectors"} when the widths differ.
  void set_content(std::shared_ptr<const text::TextEncoder> encoder, text::EmbeddingMatrix vectors);

  std::string_view type_name() const override { return kTypeName; }
  /// Error{kFailedPrecondition} without set_content(), Error{kInvalidArgument} when the vectors do not
  /// have one row per item of `interactions`.
  void fit(const data::InteractionMatrix& interactions, const FitOptions& options) override;
  /// The vectors, index and neighbour lists come from the items' text alone.
  bool learns_from_interactions() const override { return false; }
  std::vector<ScoredItem> recommend(const data::SparseRow& row, std::size_t k,
                                    const ItemFilter& exclude) const override;
  std::vector<ScoredItem> recommend_for_query(const data::SparseRow& row, std::string_view query, std::size_t k,
                                              const ItemFilter& exclude) const override;
  /// Nearest items by text (cosine); an item without text has none.
  std::vector<ScoredItem> similar_items(ItemIndex item, std::size_t k) const override;
  void save(ModelWriter& out) const override;
  void load(ModelReader& in) override;
  bool is_fitted() const override { return index_ != nullptr; }
  ItemIndex n_items() const override { return static_cast<ItemIndex>(vectors_.rows); }
  std::string params_text() const override;

  const EmbeddingParams& params() const { return params_; }
  /// The encoder of the fitted model (null before fit/load).
  const text::TextEncoder* encoder() const { return encoder_.get(); }
  /// "exact" or "hnsw" (empty before fit/load).
  std::string_view index_type() const { return index_ ? index_->type_name() : std::string_view(); }

 private:
  /// The blank-item table (and any_blank_) from vectors_.
  void find_blanks();
  /// neighbors_ from index_: every non-blank item's nearest non-blank items, itself first (history
  /// "neighbors"; with "profile", every list is empty).
  void build_neighbors();
  void check_fitted() const;
  /// The sum of |weight| over the row's items that have text (items newer than the model are ignored);
  /// when `profile` is given, also adds their weighted vectors to it.
  double add_row(const data::SparseRow& row, std::vector<float>* profile) const;
  /// The k best items for a profile (normalised here), blank items and `exclude` left out.
  std::vector<ScoredItem> search(std::vector<float> profile, std::size_t k, const ItemFilter& exclude) const;

  EmbeddingParams params_;
  std::shared_ptr<const text::TextEncoder> encoder_;
  text::EmbeddingMatrix vectors_;  // n_items x dim
  std::shared_ptr<const text::TextEncoder> staged_encoder_;
  text::EmbeddingMatrix staged_vectors_;
  std::unique_ptr<VectorIndex> index_;
  NeighborLists neighbors_;  // per item: its nearest items by text (cosine), itself first; none when blank
  std::vector<char> blank_;  // per item: 1 when its vector is all zeros (no text)
  bool any_blank_ = false;   // some item is blank: searches must filter them out
};

}  // namespace mxn::models

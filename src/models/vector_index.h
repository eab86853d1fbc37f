#pragma once
// Nearest-neighbour search over item vectors by inner product (the vectors are L2-normalised by their
// encoder, so inner product = cosine similarity). Two implementations behind one interface, as in a
// vector library: ExactIndex (blocked matrix-vector products, exact top-k) and HnswIndex (hnswlib graph,
// approximate, for large catalogs), plus make_vector_index() choosing by catalog size.
// Indices are the item indices of the domain: row i of the vectors is item i. After construction every
// const method is thread-safe. The owner saves the vectors; save() adds what the index needs beyond them
// (an HNSW graph: rebuilding it would take seconds to minutes at start and, built in parallel, could differ),
// and load_vector_index() restores the index of make_vector_index() from both.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/binary_io.h"
#include "core/model_params.h"
#include "models/item_filter.h"
#include "models/recommender.h"

namespace mxn::models {

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;

  /// "exact" or "hnsw".
  virtual std::string_view type_name() const = 0;
  /// Number of item vectors.
  virtual std::size_t size() const = 0;
  virtual std::size_t dim() const = 0;

  /// query: dim() floats. The k items of highest inner product with `query`, best first (ties: lower
  /// index), never an item `exclude` excludes, fewer than k when the index runs out. Scores are inner
  /// products. Error{kInvalidArgument, field "query"} when the query has the wrong length.
  virtual std::vector<ScoredItem> search(std::span<const float> query, std::size_t k,
                                         const ItemFilter& exclude) const = 0;

  /// Writes what load_vector_index() needs besides the vectors (nothing for exact search).
  virtual void save(BinaryWriter& out) const = 0;

  /// queries: n x dim() row-major; one result list per query, as search() gives it. Parallel (OpenMP).
  virtual std::vector<std::vector<ScoredItem>> search_batch(std::span<const float> queries, std::size_t k,
                                                            const ItemFilter& exclude) const;

 protected:
  /// Number of queries in `queries`; Error{kInvalidArgument, field "query"} unless a multiple of dim().
  std::size_t check_queries(std::span<const float> queries) const;
};

/// Brute force: every item scored by blocked matrix-vector products (Eigen), then a top-k heap that
/// consults the filter only for items that would enter the result. One query runs on the calling thread
/// (a server runs many at once; an OpenMP team per request would oversubscribe the cores); search_batch
/// spreads item blocks over the OpenMP threads.
class ExactIndex final : public VectorIndex {
 public:
  /// vectors: n x dim row-major, n = vectors.size() / dim. Error{kInvalidArgument} when dim is 0 or does
  /// not divide the size.
  ExactIndex(std::vector<float> vectors, std::size_t dim);

  std::string_view type_name() const override { return "exact"; }
  std::size_t size() const override { return n_; }
  std::size_t dim() const override { return dim_; }
  std::vector<ScoredItem> search(std::span<const float> query, std::size_t k, const ItemFilter& exclude) const override;
  /// Scores chunks of 64 queries with matrix-matrix products over item blocks (in parallel).
  std::vector<std::vector<ScoredItem>> search_batch(std::span<const float> queries, std::size_t k,
                                                    const ItemFilter& exclude) const override;
  void save(BinaryWriter& /*out*/) const override {}
  /// The vectors, n x dim row-major.
  std::span<const float> vectors() const { return vectors_; }

 private:
  std::vector<float> vectors_;
  std::size_t dim_ = 0;
  std::size_t n_ = 0;
};

/// Parameters of the HNSW graph (names as in hnswlib and EmbeddingParams).
struct HnswParams {
  int m = 16;                  // links per node (2m on the bottom layer)
  int ef_construction = 200;   // candidate list while building
  int ef_search = 100;         // candidate list while searching (>= k is used when k is larger)
  std::uint64_t seed = 100;    // level generator
  bool parallel_build = true;  // insert with all OpenMP threads (the graph then depends on scheduling)
  /// Throws Error listing every out-of-range field.
  void validate() const;
};

/// Approximate search on an hnswlib inner-product graph. The Debian hnswlib (0.6) has no search-time
/// filter, so exclusions are applied by over-fetching: base = max(2k + 16, ef_search), widened to
/// k + listed exclusions + 16 (at most 4 x base) candidates, then four times as many while fewer than k
/// survive, up to the whole index.
class HnswIndex final : public VectorIndex {
 public:
  /// vectors: n x dim row-major (copied into the graph). Error{kInvalidArgument} for a bad dim/size or params.
  HnswIndex(std::span<const float> vectors, std::size_t dim, HnswParams params = {});
  ~HnswIndex() override;
  HnswIndex(const HnswIndex&) = delete;
  HnswIndex& operator=(const HnswIndex&) = delete;

  std::string_view type_name() const override { return "hnsw"; }
  std::size_t size() const override { return n_; }
  std::size_t dim() const override { return dim_; }
  std::vector<ScoredItem> search(std::span<const float> query, std::size_t k, const ItemFilter& exclude) const override;
  /// Writes the graph (hnswlib's own format, through a temporary file: hnswlib writes files only).
  void save(BinaryWriter& out) const override;
  /// A graph written by save() for n vectors of `dim`; Error{kCorrupt} when it does not match.
  static std::unique_ptr<HnswIndex> load(BinaryReader& in, std::size_t n, std::size_t dim, HnswParams params);
  /// Changes ef_search. Not thread-safe: no search may run at the same time.
  void set_ef_search(int ef_search);
  const HnswParams& params() const { return params_; }

 private:
  HnswIndex(std::size_t n, std::size_t dim, HnswParams params);  // empty, for load()

  struct Graph;
  std::unique_ptr<Graph> graph_;
  HnswParams params_;
  std::size_t dim_ = 0;
  std::size_t n_ = 0;
};

struct VectorIndexOptions {
  std::size_t hnsw_threshold = 5000;  // exact below this many items, HNSW at or above
  HnswParams hnsw;
  /// From domains.<d>.models.embedding (hnsw_threshold, hnsw_m, hnsw_ef_construction, hnsw_ef_search).
  static VectorIndexOptions from_params(const EmbeddingParams& params);
};

/// ExactIndex when n < options.hnsw_threshold, else HnswIndex. vectors: n x dim row-major.
std::unique_ptr<VectorIndex> make_vector_index(std::vector<float> vectors, std::size_t dim,
                                               const VectorIndexOptions& options);
/// The index make_vector_index() made for the same vectors and options, restored from what its save() wrote.
std::unique_ptr<VectorIndex> load_vector_index(BinaryReader& in, std::vector<float> vectors, std::size_t dim,
                                               const VectorIndexOptions& options);

}  // namespace mxn::models

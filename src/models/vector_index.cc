#include "models/vector_index.h"

#include "text/eigen.h"
// hnswlib defines non-inline functions in its headers: this must stay the only file that includes it.
#include <hnswlib/hnswlib.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <exception>
#include <limits>
#include <string>

#include "core/error.h"
#include "models/top_k.h"

namespace mxn::models {

namespace {

using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr std::size_t kBlockRows = 4096;     // items per matrix-vector block
constexpr std::size_t kQueryChunk = 64;      // queries per matrix-matrix product in search_batch

std::size_t rows_of(std::size_t values, std::size_t dim) {
  if (dim == 0) throw Error(Code::kInvalidArgument, "must be >= 1", "dim");
  if (values % dim != 0) {
    throw Error(Code::kInvalidArgument,
                std::to_string(values) + " values are not a whole number of " + std::to_string(dim) + "-d vectors",
                "vectors");
  }
  const std::size_t n = values / dim;
  if (n > static_cast<std::size_t>(std::numeric_limits<ItemIndex>::max())) {
    throw Error(Code::kTooLarge, "more vectors than item indices can address", "vectors");
  }
  return n;
}

}  // namespace

std::size_t VectorIndex::check_queries(std::span<const float> queries) const {
  if (queries.empty() || queries.size() % dim() != 0) {
    throw Error(Code::kInvalidArgument,
                "query has " + std::to_string(queries.size()) + " values, the index holds " + std::to_string(dim()) +
                    "-d vectors",
                "query");
  }
  return queries.size() / dim();
}

std::vector<std::vector<ScoredItem>> VectorIndex::search_batch(std::span<const float> queries, std::size_t k,
                                                               const ItemFilter& exclude) const {
  const std::size_t nq = check_queries(queries);
  const std::size_t d = dim();
  std::vector<std::vector<ScoredItem>> results(nq);
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t q = 0; q < nq; ++q) {
    try {
      results[q] = search(queries.subspan(q * d, d), k, exclude);
    } catch (...) {
#pragma omp critical(mxn_vector_index_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  return results;
}

// ---------------------------------------------------------------------------------------------- exact

ExactIndex::ExactIndex(std::vector<float> vectors, std::size_t dim)
    : vectors_(std::move(vectors)), dim_(dim), n_(rows_of(vectors_.size(), dim)) {}

std::vector<ScoredItem> ExactIndex::search(std::span<const float> query, std::size_t k,
                                           const ItemFilter& exclude) const {
  if (check_queries(query) != 1) {
    throw Error(Code::kInvalidArgument, "search takes one query of " + std::to_string(dim_) + " values", "query");
  }
  if (k == 0 || n_ == 0) return {};
  std::vector<float> scores(n_);
  const Eigen::Map<const Eigen::VectorXf> q(query.data(), static_cast<Eigen::Index>(dim_));
  const auto blocks = static_cast<std::ptrdiff_t>((n_ + kBlockRows - 1) / kBlockRows);
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::size_t start = static_cast<std::size_t>(b) * kBlockRows;
    const auto rows = static_cast<Eigen::Index>(std::min(kBlockRows, n_ - start));
    const Eigen::Map<const RowMatrixXf> block(vectors_.data() + start * dim_, rows, static_cast<Eigen::Index>(dim_));
    Eigen::Map<Eigen::VectorXf> out(scores.data() + start, rows);
    out.noalias() = block * q;
  }
  return top_k(scores, k, exclude);
}

std::vector<std::vector<ScoredItem>> ExactIndex::search_batch(std::span<const float> queries, std::size_t k,
                                                              const ItemFilter& exclude) const {
  const std::size_t nq = check_queries(queries);
  std::vector<std::vector<ScoredItem>> results(nq);
  if (k == 0 || n_ == 0) return results;
  const auto d = static_cast<Eigen::Index>(dim_);
  const auto blocks = static_cast<std::ptrdiff_t>((n_ + kBlockRows - 1) / kBlockRows);
  Eigen::MatrixXf scores;  // n x chunk, column-major: one contiguous column of scores per query
  for (std::size_t q0 = 0; q0 < nq; q0 += kQueryChunk) {
    const std::size_t qc = std::min(kQueryChunk, nq - q0);
    const Eigen::Map<const RowMatrixXf> chunk(queries.data() + q0 * dim_, static_cast<Eigen::Index>(qc), d);
    scores.resize(static_cast<Eigen::Index>(n_), static_cast<Eigen::Index>(qc));
    // Item blocks in parallel, one single-threaded matrix product each (no synchronisation inside).
#pragma omp parallel for schedule(dynamic, 1)
    for (std::ptrdiff_t b = 0; b < blocks; ++b) {
      const std::size_t start = static_cast<std::size_t>(b) * kBlockRows;
      const auto rows = static_cast<Eigen::Index>(std::min(kBlockRows, n_ - start));
      const Eigen::Map<const RowMatrixXf> block(vectors_.data() + start * dim_, rows, d);
      scores.middleRows(static_cast<Eigen::Index>(start), rows).noalias() = block * chunk.transpose();
    }
#pragma omp parallel for schedule(dynamic, 1)
    for (std::size_t j = 0; j < qc; ++j) {
      results[q0 + j] = top_k(std::span<const float>(scores.col(static_cast<Eigen::Index>(j)).data(), n_), k, exclude);
    }
  }
  return results;
}

// ----------------------------------------------------------------------------------------------- hnsw

void HnswParams::validate() const {
  std::vector<FieldError> problems;
  if (m < 2 || m > 1024) problems.push_back({"hnsw_m", "must be in 2..1024, got " + std::to_string(m)});
  if (ef_construction < 1) {
    problems.push_back({"hnsw_ef_construction", "must be >= 1, got " + std::to_string(ef_construction)});
  }
  if (ef_search < 1) problems.push_back({"hnsw_ef_search", "must be >= 1, got " + std::to_string(ef_search)});
  if (!problems.empty()) throw Error(std::move(problems));
}

struct HnswIndex::Graph {
  hnswlib::InnerProductSpace space;
  hnswlib::HierarchicalNSW<float> hnsw;
  Graph(std::size_t dim, std::size_t n, const HnswParams& p)
      : space(dim),
        hnsw(&space, n, static_cast<std::size_t>(p.m), static_cast<std::size_t>(p.ef_construction),
             static_cast<std::size_t>(p.seed)) {}
  Graph(std::size_t dim, const std::string& file) : space(dim), hnsw(&space, file) {}
};

namespace {

/// A file in the temporary directory, removed when this goes out of scope.
class TempFile {
 public:
  TempFile() {
    static std::atomic<unsigned> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("mxn-hnsw-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".bin"))
                .string();
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

HnswIndex::HnswIndex(std::span<const float> vectors, std::size_t dim, HnswParams params)
    : params_(params), dim_(dim), n_(rows_of(vectors.size(), dim)) {
  params_.validate();
  if (n_ == 0) return;
  try {
    graph_ = std::make_unique<Graph>(dim_, n_, params_);
  } catch (const std::exception& e) {
    throw Error(Code::kFailedPrecondition, std::string("cannot allocate the HNSW graph: ") + e.what());
  }
  auto& hnsw = graph_->hnsw;
  hnsw.addPoint(vectors.data(), 0);  // the entry point first, as hnswlib's own parallel insertion does
  std::exception_ptr failure;
  const auto n = static_cast<std::ptrdiff_t>(n_);
#pragma omp parallel for schedule(dynamic, 64) if (params_.parallel_build)
  for (std::ptrdiff_t i = 1; i < n; ++i) {
    try {
      hnsw.addPoint(vectors.data() + static_cast<std::size_t>(i) * dim_, static_cast<hnswlib::labeltype>(i));
    } catch (...) {
#pragma omp critical(mxn_hnsw_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  hnsw.setEf(static_cast<std::size_t>(params_.ef_search));
}

HnswIndex::HnswIndex(std::size_t n, std::size_t dim, HnswParams params) : params_(params), dim_(dim), n_(n) {
  params_.validate();
}

void HnswIndex::save(BinaryWriter& out) const {
  std::vector<char> bytes;
  if (graph_) {
    TempFile file;
    graph_->hnsw.saveIndex(file.path());
    std::ifstream in(file.path(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) throw Error(Code::kInternal, "cannot read back the HNSW graph from " + file.path());
  }
  out.write_vector(bytes);
}

std::unique_ptr<HnswIndex> HnswIndex::load(BinaryReader& in, std::size_t n, std::size_t dim, HnswParams params) {
  const auto bytes = in.read_vector<char>("hnsw graph");
  std::unique_ptr<HnswIndex> index(new HnswIndex(n, dim, params));
  if (n == 0 && bytes.empty()) return index;
  TempFile file;
  {
    std::ofstream out(file.path(), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error(Code::kUnavailable, "cannot write the HNSW graph to " + file.path());
  }
  try {
    index->graph_ = std::make_unique<Graph>(dim, file.path());
  } catch (const std::exception& e) {
    throw Error(Code::kCorrupt, std::string("bad HNSW graph: ") + e.what());
  }
  const auto& hnsw = index->graph_->hnsw;
  // The file records the size of an element (links, vector, label), not the vector's length itself.
  const std::size_t stored_dim =
      (hnsw.size_data_per_element_ - hnsw.size_links_level0_ - sizeof(hnswlib::labeltype)) / sizeof(float);
  if (hnsw.cur_element_count != n || stored_dim != dim) {
    throw Error(Code::kCorrupt, "the HNSW graph holds " + std::to_string(hnsw.cur_element_count) + " vectors of " +
                                    std::to_string(stored_dim) + " values, expected " + std::to_string(n) + " of " +
                                    std::to_string(dim));
  }
  index->graph_->hnsw.setEf(static_cast<std::size_t>(params.ef_search));
  return index;
}

HnswIndex::~HnswIndex() = default;

void HnswIndex::set_ef_search(int ef_search) {
  if (ef_search < 1) throw Error(Code::kInvalidArgument, "must be >= 1", "hnsw_ef_search");
  params_.ef_search = ef_search;
  if (graph_) graph_->hnsw.setEf(static_cast<std::size_t>(ef_search));
}

std::vector<ScoredItem> HnswIndex::search(std::span<const float> query, std::size_t k,
                                          const ItemFilter& exclude) const {
  if (check_queries(query) != 1) {
    throw Error(Code::kInvalidArgument, "search takes one query of " + std::to_string(dim_) + " values", "query");
  }
  if (k == 0 || n_ == 0) return {};
  const bool filtering = !exclude.items().empty() || exclude.has_predicate();
  // A search costs about max(ef_search, fetch): with a filter, fetch at least ef_search for free, and enough
  // to survive the listed exclusions even when they are all among the nearest (a user's profile lies among
  // the items the user already has): one wider search is cheaper than a second one four times wider. Up to
  // four times the base, so that thousands of exclusions far from the query do not widen every search.
  const std::size_t base = std::max(2 * k + 16, static_cast<std::size_t>(params_.ef_search));
  std::size_t fetch = filtering ? std::max(base, std::min(k + exclude.items().size() + 16, 4 * base)) : k;
  std::vector<ScoredItem> hits;
  for (;;) {
    fetch = std::min(fetch, n_);
    auto found = graph_->hnsw.searchKnn(query.data(), fetch);
    hits.clear();
    hits.reserve(found.size());
    while (!found.empty()) {
      const auto [distance, label] = found.top();  // distance = 1 - inner product
      found.pop();
      const auto item = static_cast<ItemIndex>(label);
      if (!filtering || !exclude.excludes(item)) hits.push_back({item, 1.0f - distance});
    }
    if (hits.size() >= k || fetch >= n_) break;
    fetch *= 4;
  }
  std::sort(hits.begin(), hits.end(), ranks_before);
  if (hits.size() > k) hits.resize(k);
  return hits;
}

// -------------------------------------------------------------------------------------------- factory

VectorIndexOptions VectorIndexOptions::from_params(const EmbeddingParams& params) {
  VectorIndexOptions options;
  options.hnsw_threshold = static_cast<std::size_t>(std::max(0, params.hnsw_threshold));
  options.hnsw.m = params.hnsw_m;
  options.hnsw.ef_construction = params.hnsw_ef_construction;
  options.hnsw.ef_search = params.hnsw_ef_search;
  return options;
}

std::unique_ptr<VectorIndex> make_vector_index(std::vector<float> vectors, std::size_t dim,
                                               const VectorIndexOptions& options) {
  const std::size_t n = rows_of(vectors.size(), dim);
  if (n < options.hnsw_threshold) return std::make_unique<ExactIndex>(std::move(vectors), dim);
  return std::make_unique<HnswIndex>(vectors, dim, options.hnsw);
}

std::unique_ptr<VectorIndex> load_vector_index(BinaryReader& in, std::vector<float> vectors, std::size_t dim,
                                               const VectorIndexOptions& options) {
  const std::size_t n = rows_of(vectors.size(), dim);
  if (n < options.hnsw_threshold) return std::make_unique<ExactIndex>(std::move(vectors), dim);
  return HnswIndex::load(in, n, dim, options.hnsw);
}

}  // namespace mxn::models

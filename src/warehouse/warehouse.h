#pragma once
// The warehouse: mxn's only source of truth, a DuckDB file holding user_interactions, users, items_catalog,
// recommendations and training_history (schema: migrations.h). Every SQL statement of mxn lives in this
// module; callers get typed functions. All methods are thread-safe (each borrows a pooled connection), and
// every write is committed before the method returns.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/config.h"
#include "warehouse/connection_pool.h"
#include "warehouse/records.h"

namespace mxn::warehouse {

class Database;

class Warehouse {
 public:
  /// Opens (or shares, within this process) the file of `config.path` and brings its schema up to date.
  /// Error{kFailedPrecondition} when another process holds the file or its schema is newer than this build.
  explicit Warehouse(const config::WarehouseConfig& config);
  ~Warehouse();
  Warehouse(const Warehouse&) = delete;
  Warehouse& operator=(const Warehouse&) = delete;

  /// Canonical path of the file (":memory:" for an in-memory warehouse).
  const std::string& path() const;
  int schema_version() const;
  /// The underlying connections, for tests and tools that read with raw SQL. Writes to users or items_catalog
  /// through them bypass the write path's mirror of those tables (seen_index.h).
  ConnectionPool& connections() const { return pool_; }

  // ---- interactions -------------------------------------------------------------------------------------

  /// Appends already validated rows (weights set) in ONE transaction through the appender, creating users on
  /// first sight and a catalog row with empty text for each unknown item. Assigns each row's `id`
  /// (consecutive, in order). All or nothing: on error nothing is written and the ids are reset to 0.
  /// A user's first_seen/last_seen are exact when the user is created; afterwards they move only when an
  /// interaction falls more than kSeenResolutionUs outside them (so last_seen may lag by up to a minute):
  /// rewriting every returning user's row on every commit would cost more than the whole append.
  void append_interactions(std::span<InteractionRecord> rows);
  static constexpr std::int64_t kSeenResolutionUs = 60'000'000;

  /// Loads interactions from a CSV file with a header (or a .parquet file) through DuckDB's own reader, the
  /// columns mapped by `options` (user, item, domain or a fixed domain, type or a fixed type, and optionally
  /// rating, timestamp (ISO-8601 or epoch seconds; empty = now) and metadata (JSON object)). One parallel
  /// INSERT ... SELECT checks every row and computes the weights in SQL, then users and catalog rows are
  /// upserted, in one transaction: all or nothing. If a row is bad, nothing is written and a second pass lists
  /// every bad row with its line (Error with one problem per row, field "line N"). Ids are consecutive but
  /// follow the file's order only loosely. The file streams through DuckDB. Returns the number of rows imported.
  std::int64_t import_interactions_csv(const std::string& csv_path, const CsvImportOptions& options);
  /// Reads an interactions file exactly as import_interactions_csv would import it (same mapping, same checks,
  /// bad rows all reported with their lines) without writing anything: e.g. a held-out test file.
  void read_interactions_file(const std::string& path, const CsvImportOptions& options,
                              const std::function<void(const InteractionRecord&)>& on_row) const;
  /// Inserts or updates catalog items from a CSV or Parquet file in one statement (the last row of an item id
  /// wins); bad rows are all reported with their lines and nothing is written. Returns the rows read.
  std::int64_t import_items(const std::string& path, const ItemImportOptions& options);

  /// Interactions of `domain` ingested (committed) at or after `since_us`, whatever their own timestamps.
  std::int64_t count_interactions_since(const std::string& domain, std::int64_t since_us) const;

  /// Calls `on_chunk` for every interaction of `domain`, in id order, a chunk of up to 2048 rows at a time,
  /// from one consistent snapshot. Memory stays bounded by a window of ids, whatever the table's size.
  void scan_interactions(const std::string& domain,
                         const std::function<void(const InteractionChunk&)>& on_chunk) const;

  /// A user's interactions that match `query`, newest first (by timestamp, then id).
  std::vector<InteractionRecord> user_history(const std::string& user_id, const HistoryQuery& query) const;

  DomainStats domain_stats(const std::string& domain) const;

  // ---- users and catalog --------------------------------------------------------------------------------

  std::optional<UserRecord> get_user(const std::string& user_id) const;
  /// Users ordered by user_id, `limit` 0 = all: every user when `domain` is empty, else those with an
  /// interaction in `domain` (first and last seen there).
  std::vector<UserRecord> list_users(const std::string& domain, std::size_t limit, std::size_t offset) const;

  /// Inserts or replaces the item's text, tags and metadata (and embedding, text_hash, encoder_fingerprint
  /// when `item.embedding` is set); created_at is kept from the first insert.
  void upsert_item(const CatalogItem& item);
  /// The same for many items in one transaction, set-based.
  void upsert_items(std::span<const CatalogItem> items);
  /// Stores items' vectors (embedding, text_hash, encoder_fingerprint) in one transaction, leaving their
  /// text, tags, metadata and updated_at as they are; ids that are not in the catalog of `domain` are skipped.
  void set_item_embeddings(const std::string& domain, std::span<const ItemEmbedding> rows);
  std::optional<CatalogItem> get_item(const std::string& domain, const std::string& item_id) const;
  /// Catalog of `domain` ordered by item_id; `limit` 0 = all; only items with tag `tag` (any case) when set.
  std::vector<CatalogItem> list_items(const std::string& domain, std::size_t limit = 0,
                                      std::size_t offset = 0, const std::string& tag = {}) const;

  // ---- deletion (each in one transaction; the caller keeps the engine's memory in step) ------------------

  struct DeletedUser {
    bool known = false;             // the user had a row, an interaction or a served list
    std::int64_t interactions = 0;  // removed, every domain
    std::int64_t served_lists = 0;  // removed from recommendations
  };
  /// Removes the user's interactions in every domain, served lists and user row.
  DeletedUser delete_user(const std::string& user_id);
  /// Removes the item's interactions and catalog row and records the deletion in deleted_items; returns the
  /// interactions removed, or nullopt (nothing written) when the item had neither.
  std::optional<std::int64_t> delete_item(const std::string& domain, const std::string& item_id);
  /// Removes one interaction; returns it, or nullopt for an unknown id.
  std::optional<InteractionRecord> delete_interaction(std::int64_t id);
  /// The deleted items of `domain` that have not come back since (no catalog row, no interaction).
  std::vector<std::string> deleted_items(const std::string& domain) const;

  // ---- recommendations and training history -------------------------------------------------------------

  /// Stores served lists in one transaction, ids assigned in order (generated_at defaults to now; `id` is
  /// ignored). All or nothing: Error{kInvalidArgument} naming the field when a list has no user or domain.
  void insert_recommendations(std::span<const RecommendationRecord> records);
  /// Deletes the served lists generated before `before_us`; returns how many.
  std::int64_t delete_recommendations_before(std::int64_t before_us);
  /// The most recent list served to the user in the domain.
  std::optional<RecommendationRecord> latest_recommendation(const std::string& user_id,
                                                            const std::string& domain) const;

  /// Inserts the run, or updates every field of the run with the same run_id (start, then finish).
  void record_training_run(const TrainingRun& run);
  /// Runs of `domain` (all when empty), newest first, at most `limit`.
  std::vector<TrainingRun> list_training_runs(const std::string& domain, std::size_t limit) const;

 private:
  /// Under the write mutex: the next interaction id, read from the table on first use.
  std::int64_t next_interaction_id(Connection& connection);

  std::shared_ptr<Database> database_;
  mutable ConnectionPool pool_;
};

}  // namespace mxn::warehouse

#pragma once
// The rows the warehouse reads and writes, as plain typed values. Times are epoch microseconds (UTC); JSON
// columns travel as text (already validated by the caller); an empty string stands for SQL NULL in them.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/rating_scale.h"

namespace mxn::warehouse {

/// One row of user_interactions. `id` is assigned by Warehouse::append_interactions.
struct InteractionRecord {
  std::int64_t id = 0;
  std::string user_id;
  std::string domain;
  std::string item_id;
  std::string type;              // interaction_type
  std::optional<double> rating;  // set for type "rating"
  double weight = 0.0;           // the type's weight from config x count; ratings: rating - neutral
  std::int64_t timestamp_us = 0;
  std::string metadata;          // JSON object text, or empty
  bool operator==(const InteractionRecord&) const = default;
};

/// A position in a user's history (newest first: by timestamp, then id): the last row of a page.
struct HistoryCursor {
  std::int64_t timestamp_us = 0;
  std::int64_t id = 0;
};

/// Which of a user's interactions Warehouse::user_history returns.
struct HistoryQuery {
  std::string domain;                  ///< all domains when empty
  std::string item_id;                 ///< every item when empty
  std::size_t limit = 0;               ///< 0: all
  std::optional<HistoryCursor> after;  ///< only the rows after this one (the next page)
};

/// One row of users: the first and last interaction time seen for the user, over all domains.
struct UserRecord {
  std::string user_id;
  std::int64_t first_seen_us = 0;
  std::int64_t last_seen_us = 0;
};

/// One row of items_catalog. Rows created by a first interaction have empty text.
struct CatalogItem {
  std::string domain;
  std::string item_id;
  std::string title;
  std::string description;
  std::vector<std::string> tags;  // tags / genres
  std::string metadata;           // JSON object text, or empty
  /// Written only when set: an upsert without one keeps the stored embedding, text_hash and fingerprint.
  std::optional<std::vector<float>> embedding;
  std::string text_hash;            // hash of the text `embedding` was computed from
  std::string encoder_fingerprint;  // which encoder computed it
  std::int64_t created_at_us = 0;   // set by the warehouse
  std::int64_t updated_at_us = 0;   // set by the warehouse
};

/// The vector the embedding model computed for a catalog item, and what it was computed from.
struct ItemEmbedding {
  std::string item_id;
  std::vector<float> embedding;
  std::string text_hash;            // hash of the item's text at encoding time
  std::string encoder_fingerprint;  // TextEncoder::fingerprint() of the encoder
};

/// Sizes of one domain's data.
struct DomainStats {
  std::string domain;
  std::int64_t n_interactions = 0;
  std::int64_t n_users = 0;              // distinct users with an interaction in the domain
  std::int64_t n_interacted_items = 0;   // distinct items with an interaction
  std::int64_t n_catalog_items = 0;      // rows in items_catalog
  std::map<std::string, std::int64_t> interactions_by_type;
  std::optional<std::int64_t> first_interaction_us;
  std::optional<std::int64_t> last_interaction_us;
};

/// One row of recommendations: a list served to a user. `id` and (when 0) `generated_at_us` are set on insert.
struct RecommendationRecord {
  std::int64_t id = 0;
  std::string user_id;
  std::string domain;
  std::int64_t generated_at_us = 0;
  std::vector<std::string> model_types;
  std::string items;  // JSON array text, best first: [{"item_id": ..., "score": ...}, ...]
};

/// One row of training_history. Written when a run starts and again when it ends (same run_id).
struct TrainingRun {
  std::string run_id;
  std::string domain;
  std::string model;
  std::string params;   // JSON object text
  std::int64_t n_users = 0;
  std::int64_t n_items = 0;
  std::int64_t n_interactions = 0;
  std::string metrics;  // JSON object text, or empty
  double duration_s = 0.0;
  std::optional<std::int64_t> model_version;
  std::string status;   // running | succeeded | failed | skipped
  std::string error;    // empty unless failed
  std::int64_t started_at_us = 0;
  std::optional<std::int64_t> finished_at_us;
};

/// Up to DataChunk::capacity() interactions of one domain, column by column. The string views point into
/// DuckDB's buffers and are valid only during the callback that receives the chunk.
struct InteractionChunk {
  std::span<const std::string_view> user_ids;
  std::span<const std::string_view> item_ids;
  std::span<const std::string_view> types;
  std::span<const std::optional<double>> ratings;
  std::span<const double> weights;
  std::span<const std::int64_t> timestamps_us;
  std::size_t size() const { return user_ids.size(); }
};

/// How a delimited text file is laid out (Parquet files ignore it).
struct TextFormat {
  char delimiter = ',';  // one character, e.g. a tab, ';' or '|'
  bool header = true;    // false: no header row; columns are named by position, "1" for the first
};

/// How import_interactions_csv reads, validates and weighs rows (from config interactions + domains).
struct CsvImportOptions {
  TextFormat format;
  // Which source column holds each field ("" = the field is absent). fixed_domain / fixed_type, when set,
  // give every row that value instead of reading a column.
  std::string user_col = "user_id";
  std::string item_col = "item_id";
  std::string domain_col = "domain";
  std::string type_col = "interaction_type";
  std::string rating_col = "rating";
  std::string count_col;                       // e.g. play counts: weight = type weight x count ("" = 1)
  std::string time_col = "timestamp";
  std::string metadata_col = "metadata";
  std::string fixed_domain;
  std::string fixed_type;
  std::size_t max_reported_rows = 20;          // distinct problems listed in the error (all rows are counted)
  std::map<std::string, double> type_weights;  // the accepted types
  std::map<std::string, RatingScale> domains;  // the accepted (enabled) domains and their rating scales
  std::int64_t max_id_bytes = 256;
  std::int64_t max_future_us = 86'400'000'000;  // timestamps at most this far ahead of now
  std::int64_t max_metadata_bytes = 64 * 1024;
};

/// How import_items reads a catalog file (CSV or Parquet): which column holds each field ("" = absent).
struct ItemImportOptions {
  TextFormat format;
  std::string domain;                // every item goes to this domain
  std::string item_col = "item_id";
  std::string title_col = "title";
  std::string description_col = "description";
  std::string tags_col = "tags";     // one text column, split at tags_separator
  std::string tags_separator = "|";
  std::string metadata_col = "metadata";
  std::int64_t max_id_bytes = 256;
  std::size_t max_reported_rows = 20;
};

}  // namespace mxn::warehouse

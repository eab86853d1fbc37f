// Warehouse::import_interactions_csv: DuckDB's read_csv into user_interactions in one parallel INSERT ... SELECT
// that validates every row and computes its weight in SQL, then set-based first-sight users and catalog rows.
// Only a file with a bad row pays for a second, line-numbered pass (row_number() OVER () runs single-threaded).

#include <algorithm>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "warehouse/database.h"
#include "warehouse/sql_literal.h"
#include "warehouse/transaction.h"
#include "warehouse/warehouse.h"

namespace mxn::warehouse {

namespace {

bool is_parquet(const std::string& path) {
  return path.size() >= 8 && path.compare(path.size() - 8, 8, ".parquet") == 0;
}

/// A file's columns as DuckDB reads them. Without a header they are named by position: "1" is the first.
struct FileColumns {
  std::vector<std::string> names;  // DuckDB's (column0, column1, ... without a header)
  bool by_position = false;

  /// DuckDB's name of the column the user calls `name`, if the file has it.
  std::optional<std::string> find(const std::string& name) const {
    if (by_position) {
      if (name.empty() || name.size() > 6 || !std::all_of(name.begin(), name.end(), ::isdigit))
        return std::nullopt;
      const auto n = static_cast<std::size_t>(std::stoul(name));
      if (n < 1 || n > names.size()) return std::nullopt;
      return names[n - 1];
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) return std::nullopt;
    return name;
  }
  std::string listed() const {
    if (by_position) return "columns 1 to " + std::to_string(names.size()) + ", no header";
    std::string out;
    for (const auto& c : names) out += (out.empty() ? "" : ", ") + c;
    return out;
  }
};

/// The source column `column` as text, a fixed value, or NULL when the field is absent (no column named, or
/// an optional column the file does not have).
std::string field(const std::string& column, const std::string& fixed, const FileColumns& columns) {
  if (!fixed.empty()) return quote_literal(fixed);
  const auto name = column.empty() ? std::nullopt : columns.find(column);
  if (!name) return "CAST(NULL AS VARCHAR)";
  return "CAST(r." + quote_identifier(*name) + " AS VARCHAR)";
}

std::string file_reader(const std::string& path, const TextFormat& format) {
  if (is_parquet(path)) return "read_parquet(" + quote_literal(path) + ")";
  if (format.delimiter == '\0' || format.delimiter == '\n' || format.delimiter == '"') {
    throw Error(Code::kInvalidArgument, "must be a character other than a quote or a line break",
                "delimiter");
  }
  return "read_csv(" + quote_literal(path) + ", header = " + (format.header ? "true" : "false") +
         ", all_varchar = true, delim = " + quote_literal(std::string(1, format.delimiter)) +
         ", quote = '\"', escape = '\"')";
}

/// The columns of a file, as DuckDB reads them.
FileColumns file_columns(Connection& connection, const std::string& path, const TextFormat& format) {
  FileColumns columns{.by_position = !format.header && !is_parquet(path)};
  auto described = connection.prepare("DESCRIBE SELECT * FROM " + file_reader(path, format)).execute();
  for (auto chunk = described.next_chunk(); chunk; chunk = described.next_chunk()) {
    for (std::size_t row = 0; row < chunk->size(); ++row) columns.names.emplace_back(chunk->varchar(0, row));
  }
  return columns;
}

/// Throws when `required` names a column the file lacks.
void require_columns(const std::string& path, const FileColumns& columns,
                     const std::vector<std::string>& required) {
  std::string missing;
  for (const auto& c : required) {
    if (!columns.find(c)) missing += (missing.empty() ? "" : ", ") + c;
  }
  if (missing.empty()) return;
  throw Error(Code::kInvalidArgument,
              path + " lacks column(s) " + missing + " (it has: " + columns.listed() + ")", "path");
}

/// Runs a bad_rows_query (problem, rows, first lines, every bad row's count); throws them all as one Error,
/// one entry per distinct problem.
void throw_bad_rows(Result result) {
  std::vector<FieldError> problems;
  std::int64_t bad = 0, listed = 0;
  for (auto chunk = result.next_chunk(); chunk; chunk = result.next_chunk()) {
    for (std::size_t row = 0; row < chunk->size(); ++row) {
      const std::int64_t rows = chunk->int64(1, row);
      problems.push_back({rows == 1 ? "line " + std::string(chunk->varchar(2, row))
                                    : std::to_string(rows) + " rows, lines " +
                                          std::string(chunk->varchar(2, row)) + (rows > 10 ? ", ..." : ""),
                          std::string(chunk->varchar(0, row))});
      listed += rows;
      bad = chunk->int64(3, row);
    }
  }
  if (problems.empty()) return;
  if (bad > listed) {
    problems.push_back({"", std::to_string(bad - listed) + " more bad rows with other problems (" +
                                std::to_string(bad) + " in all); nothing was imported"});
  }
  throw Error(std::move(problems));
}

/// The bad rows of a `checked` CTE grouped by problem, in the order they first occur: the problem, its rows,
/// the first ten of their lines, and how many bad rows there are in all.
std::string bad_rows_query(const std::string& source, std::size_t limit) {
  return source +
         "SELECT problem, count(*), array_to_string(list(line ORDER BY line)[1:10], ', '), "
         "CAST(sum(count(*)) OVER () AS BIGINT) "
         "FROM checked WHERE problem IS NOT NULL GROUP BY problem ORDER BY min(line) LIMIT " +
         std::to_string(limit);
}

/// Line numbers: a header is line 1 of a CSV; a Parquet file counts rows from 1.
std::string line_number(const std::string& path, const TextFormat& format) {
  return std::string("row_number() OVER () + ") + (is_parquet(path) || !format.header ? "0" : "1") +
         " AS line";
}

/// What the one-pass import's error() raises for a bad row; the line-numbered pass then finds them all.
constexpr std::string_view kBadRowMarker = "mxn: bad row in the import";

/// A per-connection DuckDB setting for the life of this object (connections are pooled: it is reset after).
class SessionSetting {
 public:
  SessionSetting(Connection& connection, const std::string& name, const std::string& value)
      : connection_(connection), name_(name) {
    connection_.execute("SET SESSION " + name_ + " = " + value);
  }
  ~SessionSetting() {
    try {
      connection_.execute("RESET SESSION " + name_);
    } catch (const std::exception& e) {
      log::warn("warehouse.reset_setting_failed", "name", name_, "error", e.what());
    }
  }
  SessionSetting(const SessionSetting&) = delete;
  SessionSetting& operator=(const SessionSetting&) = delete;

 private:
  Connection& connection_;
  std::string name_;
};

/// The checked rows of an interactions file as SQL (CTEs `raw`, `src`, `checked`; `checked.problem` is NULL for a
/// good row; `checked.line` only `with_lines`) and the binder of its parameters.
struct InteractionFileQuery {
  std::string source;
  std::function<PreparedStatement(PreparedStatement&&, std::int64_t first_id, std::int64_t now)> bind;
};

InteractionFileQuery interaction_file_query(Connection& connection, const std::string& csv_path,
                                            const CsvImportOptions& options, bool with_lines) {
  if (!std::ifstream(csv_path).good()) throw Error(Code::kNotFound, "cannot open file " + csv_path, "path");
  std::vector<std::string> type_names;
  std::vector<double> type_weights;
  for (const auto& [name, weight] : options.type_weights) {
    type_names.push_back(name);
    type_weights.push_back(weight);
  }
  std::vector<std::string> domain_names;
  std::vector<double> rating_min, rating_max, rating_neutral;
  for (const auto& [name, scale] : options.domains) {
    domain_names.push_back(name);
    rating_min.push_back(scale.min);
    rating_max.push_back(scale.max);
    rating_neutral.push_back(scale.neutral);
  }
  const std::string reader = file_reader(csv_path, options.format);
  const FileColumns columns = file_columns(connection, csv_path, options.format);
  std::vector<std::string> required = {options.user_col, options.item_col};
  if (options.fixed_domain.empty()) required.push_back(options.domain_col);
  if (options.fixed_type.empty()) required.push_back(options.type_col);
  if (!options.count_col.empty()) required.push_back(options.count_col);
  require_columns(csv_path, columns, required);
  const auto f = [&](const std::string& column, const std::string& fixed) { return field(column, fixed, columns); };
  const std::string raw_time = f(options.time_col, "");
  // Parameters: $1 first id, $2/$3 type names/weights, $4 domains, $5/$6 their rating ranges, $7 their neutral
  // ratings, $8 max id bytes, $9 now, $10 latest accepted timestamp, $11 max metadata bytes.
  const std::string source =
      "WITH raw AS (SELECT " + (with_lines ? line_number(csv_path, options.format) + ", " : std::string()) +
      f(options.user_col, "") + " AS user_id, " + f(options.domain_col, options.fixed_domain) +
      " AS domain, " + f(options.item_col, "") + " AS item_id, " + f(options.type_col, options.fixed_type) +
      " AS interaction_type, " + f(options.rating_col, "") + " AS raw_rating, " + f(options.count_col, "") +
      " AS raw_count, " + raw_time + " AS raw_time, " + "nullif(" + f(options.metadata_col, "") +
      ", '') AS metadata FROM " + reader +
      " r), "
      "src AS (SELECT raw.*, TRY_CAST(nullif(raw_rating, '') AS DOUBLE) AS rating, "
      "  TRY_CAST(nullif(raw_count, '') AS DOUBLE) AS event_count, w.weight AS type_weight, s.domain AS "
      "known_domain, "
      "  s.rmin, s.rmax, s.rneutral, "
      "  CASE WHEN raw_time IS NULL OR raw_time = '' THEN $9 "
      "       WHEN suffix(raw_time, 'Z') THEN TRY_CAST(raw_time AS TIMESTAMP) "
      "       WHEN regexp_full_match(raw_time, '-?[0-9]+(\\.[0-9]*)?') THEN "
      "         make_timestamp(CAST(TRY_CAST(raw_time AS DOUBLE) * 1000000 AS BIGINT)) "
      "       ELSE CAST(TRY_CAST(raw_time AS TIMESTAMPTZ) AS TIMESTAMP) END AS ts "
      "  FROM raw LEFT JOIN (SELECT unnest($2::VARCHAR[]) AS type, unnest($3::DOUBLE[]) AS weight) w "
      "    ON w.type = raw.interaction_type "
      "  LEFT JOIN (SELECT unnest($4::VARCHAR[]) AS domain, unnest($5::DOUBLE[]) AS rmin, "
      "unnest($6::DOUBLE[]) AS rmax, "
      "    unnest($7::DOUBLE[]) AS rneutral) s ON s.domain = raw.domain), "
      "checked AS (SELECT src.*, $1 - 1 AS id_base, "
      "  CASE WHEN interaction_type = 'rating' THEN rating - rneutral ELSE type_weight * "
      "coalesce(event_count, 1) END "
      "  AS weight, CASE "
      "  WHEN coalesce(user_id, '') = '' OR strlen(user_id) > $8 THEN format('user_id must be 1 to {} "
      "bytes', $8) "
      "  WHEN coalesce(item_id, '') = '' OR strlen(item_id) > $8 THEN format('item_id must be 1 to {} "
      "bytes', $8) "
      "  WHEN known_domain IS NULL THEN "
      "    format('domain \"{}\" is unknown or disabled (known: {})', coalesce(domain, ''), "
      "           array_to_string($4::VARCHAR[], ', ')) "
      "  WHEN type_weight IS NULL THEN format('interaction_type \"{}\" is unknown (known: {})', "
      "    coalesce(interaction_type, ''), array_to_string($2::VARCHAR[], ', ')) "
      "  WHEN raw_rating IS NOT NULL AND raw_rating <> '' AND rating IS NULL THEN "
      "    format('rating \"{}\" is not a number', raw_rating) "
      "  WHEN interaction_type = 'rating' AND rating IS NULL THEN 'rating is required for interaction_type "
      "rating' "
      "  WHEN rating IS NOT NULL AND (isnan(rating) OR NOT (rating BETWEEN rmin AND rmax)) THEN "
      "    format('rating {} is outside [{}, {}]', rating, rmin, rmax) "
      "  WHEN raw_count IS NOT NULL AND raw_count <> '' AND event_count IS NULL THEN "
      "    format('count \"{}\" is not a number', raw_count) "
      "  WHEN event_count IS NOT NULL AND NOT (event_count > 0 AND isfinite(event_count)) THEN "
      "    format('count {} must be > 0', event_count) "
      "  WHEN event_count IS NOT NULL AND interaction_type = 'rating' THEN 'a rating takes no count' "
      "  WHEN ts IS NULL THEN format('timestamp \"{}\" is neither ISO-8601 nor epoch seconds', raw_time) "
      "  WHEN ts < TIMESTAMP '1970-01-01' OR ts > $10 THEN "
      "    format('timestamp {} is before 1970 or more than a day in the future', ts) "
      "  WHEN metadata IS NOT NULL AND (strlen(metadata) > $11 OR NOT json_valid(metadata) OR "
      "       json_type(metadata) <> 'OBJECT') THEN format('metadata must be a JSON object of at most {} "
      "bytes', $11) "
      "  END AS problem FROM src) ";
  auto bind_all = [type_names, type_weights, domain_names, rating_min, rating_max, rating_neutral, options](
                      PreparedStatement&& statement, std::int64_t first_id, std::int64_t now) {
    statement.bind_int64(1, first_id)
        .bind_varchar_list(2, type_names)
        .bind_double_list(3, type_weights)
        .bind_varchar_list(4, domain_names)
        .bind_double_list(5, rating_min)
        .bind_double_list(6, rating_max)
        .bind_double_list(7, rating_neutral)
        .bind_int64(8, options.max_id_bytes)
        .bind_timestamp(9, now)
        .bind_timestamp(10, now + options.max_future_us)
        .bind_int64(11, options.max_metadata_bytes);
    return std::move(statement);
  };
  return {source, bind_all};
}

}  // namespace

std::int64_t Warehouse::import_interactions_csv(const std::string& csv_path, const CsvImportOptions& options) {
  auto connection = pool_.acquire();
  const auto [source, bind_all] = interaction_file_query(*connection, csv_path, options, false);
  // Ids are consecutive per import; DuckDB reads the file in parallel, so they follow its order only loosely.
  const std::string sql =
      "INSERT INTO user_interactions (id, user_id, domain, item_id, interaction_type, rating, weight, timestamp, "
      "metadata, ingested_at) " + source +
      "SELECT id_base + nextval('mxn_import_ids'), user_id, domain, item_id, interaction_type, rating, weight, ts, "
      "       metadata, $9 "
      "FROM checked WHERE CASE WHEN problem IS NULL THEN true ELSE error('" + std::string(kBadRowMarker) + "') END";

  std::unique_lock lock(database_->write_mutex());
  const std::int64_t first_id = next_interaction_id(*connection);
  const std::int64_t now = now_us();
  const auto seconds_since = [](std::int64_t start) { return static_cast<double>(now_us() - start) / 1e6; };
  std::int64_t rows = 0;
  double insert_s = 0, first_sight_s = 0;
  try {
    // Row order in the table need not follow the file: without that constraint DuckDB inserts in parallel and
    // compresses each thread's row groups as it goes, instead of re-ordering them at commit.
    SessionSetting unordered(*connection, "preserve_insertion_order", "false");
    database_->seen.invalidate();  // the import creates users and items behind the mirror's back
    Transaction transaction(*connection);
    connection->execute("CREATE OR REPLACE TEMP SEQUENCE mxn_import_ids START 1");
    rows = bind_all(connection->prepare(sql), first_id, now).execute().rows_changed();
    insert_s = seconds_since(now);
    connection
        ->prepare("INSERT INTO users (user_id, first_seen, last_seen) "
                  "SELECT user_id, min(timestamp), max(timestamp) FROM user_interactions WHERE id >= $1 "
                  "GROUP BY user_id ON CONFLICT (user_id) DO UPDATE SET "
                  "first_seen = least(users.first_seen, excluded.first_seen), "
                  "last_seen = greatest(users.last_seen, excluded.last_seen)")
        .bind_int64(1, first_id)
        .execute();
    connection
        ->prepare("INSERT INTO items_catalog (domain, item_id, created_at, updated_at) "
                  "SELECT DISTINCT domain, item_id, $2, $2 FROM user_interactions WHERE id >= $1 "
                  "ON CONFLICT DO NOTHING")
        .bind_int64(1, first_id)
        .bind_timestamp(2, now)
        .execute();
    connection->execute("DROP SEQUENCE mxn_import_ids");
    first_sight_s = seconds_since(now) - insert_s;
    transaction.commit();
  } catch (const Error& e) {
    if (!std::string_view(e.what()).ends_with(kBadRowMarker)) throw;
    // Nothing was written. Now find every bad row with its line, without holding up other writers.
    lock.unlock();
    const auto [lined, bind_lined] = interaction_file_query(*connection, csv_path, options, true);
    throw_bad_rows(bind_lined(connection->prepare(bad_rows_query(lined, options.max_reported_rows)), 0, now)
                       .execute());
    throw;  // the file changed between the passes
  }
  database_->next_interaction_id = first_id + rows;
  log::info("warehouse.imported", "path", csv_path, "rows", rows, "insert_s", insert_s, "users_items_s",
            first_sight_s, "commit_s", seconds_since(now) - insert_s - first_sight_s);
  return rows;
}

std::int64_t Warehouse::import_items(const std::string& path, const ItemImportOptions& options) {
  if (!std::ifstream(path).good()) throw Error(Code::kNotFound, "cannot open file " + path, "path");
  if (options.domain.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "domain");
  const std::string reader = file_reader(path, options.format);
  auto connection = pool_.acquire();
  const FileColumns columns = file_columns(*connection, path, options.format);
  require_columns(path, columns, {options.item_col});
  const auto f = [&](const std::string& column) { return field(column, "", columns); };
  // $1 domain, $2 tags separator, $3 max id bytes, $4 now.
  const std::string source =
      "WITH raw AS (SELECT " + line_number(path, options.format) + ", " + f(options.item_col) +
      " AS item_id, coalesce(" + f(options.title_col) + ", '') AS title, coalesce(" +
      f(options.description_col) + ", '') AS description, " + f(options.tags_col) + " AS raw_tags, nullif(" +
      f(options.metadata_col) + ", '') AS metadata FROM " + reader +
      " r), "
      "checked AS (SELECT raw.*, CASE "
      "  WHEN coalesce(item_id, '') = '' OR strlen(item_id) > $3 THEN format('item_id must be 1 to {} "
      "bytes', $3) "
      "  WHEN metadata IS NOT NULL AND (NOT json_valid(metadata) OR json_type(metadata) <> 'OBJECT') THEN "
      "    'metadata must be a JSON object' "
      "  END AS problem, $1 AS domain, $4 AS now, "
      "  CASE WHEN coalesce(raw_tags, '') = '' THEN CAST([] AS VARCHAR[]) "
      "       ELSE list_filter(list_transform(string_split(raw_tags, $2), t -> trim(t)), t -> t <> '') END "
      "AS tags "
      "  FROM raw) ";
  auto bind = [&](PreparedStatement&& statement) {
    statement.bind_varchar(1, options.domain)
        .bind_varchar(2, options.tags_separator)
        .bind_int64(3, options.max_id_bytes)
        .bind_timestamp(4, now_us());
    return std::move(statement);
  };
  throw_bad_rows(bind(connection->prepare(bad_rows_query(source, options.max_reported_rows))).execute());
  std::lock_guard lock(database_->write_mutex());
  database_->seen.invalidate();  // new catalog rows behind the mirror's back
  Transaction transaction(*connection);
  const std::int64_t rows =
      bind(connection->prepare(
               "INSERT INTO items_catalog (domain, item_id, title, description, tags, metadata, created_at, updated_at) " +
               source +
               "SELECT domain, item_id, title, description, tags, metadata, now, now FROM checked "
               "QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY line DESC) = 1 "
               "ON CONFLICT (domain, item_id) DO UPDATE SET title = excluded.title, description = excluded.description, "
               "tags = excluded.tags, metadata = excluded.metadata, updated_at = excluded.updated_at"))
          .execute()
          .rows_changed();
  transaction.commit();
  log::info("warehouse.items_imported", "path", path, "domain", options.domain, "rows", rows);
  return rows;
}

void Warehouse::read_interactions_file(const std::string& path, const CsvImportOptions& options,
                                       const std::function<void(const InteractionRecord&)>& on_row) const {
  auto connection = pool_.acquire();
  const auto [source, bind_all] = interaction_file_query(*connection, path, options, true);
  const std::int64_t now = now_us();
  throw_bad_rows(bind_all(connection->prepare(bad_rows_query(source, options.max_reported_rows)), 0, now).execute());
  auto result = bind_all(connection->prepare(source + "SELECT user_id, domain, item_id, interaction_type, rating, "
                                                      "weight, epoch_us(ts) FROM checked ORDER BY line"),
                         0, now)
                    .execute();
  InteractionRecord r;
  for (auto chunk = result.next_chunk(); chunk; chunk = result.next_chunk()) {
    for (std::size_t row = 0; row < chunk->size(); ++row) {
      r.user_id.assign(chunk->varchar(0, row));
      r.domain.assign(chunk->varchar(1, row));
      r.item_id.assign(chunk->varchar(2, row));
      r.type.assign(chunk->varchar(3, row));
      r.rating = chunk->is_null(4, row) ? std::nullopt : std::optional<double>(chunk->float64(4, row));
      r.weight = chunk->float64(5, row);
      r.timestamp_us = chunk->int64(6, row);
      on_row(r);
    }
  }
}

}  // namespace mxn::warehouse

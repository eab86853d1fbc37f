// Warehouse::import_interactions_csv: DuckDB's read_csv into user_interactions in one INSERT ... SELECT that
// validates every row and computes its weight in SQL, then set-based first-sight users and catalog rows.

#include <fstream>
#include <mutex>
#include <string>
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

// The CSV columns import_interactions_csv understands.
constexpr std::string_view kCsvRequired[] = {"user_id", "domain", "item_id", "interaction_type"};
constexpr std::string_view kCsvOptional[] = {"rating", "timestamp", "metadata"};

std::vector<std::string> read_csv_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Code::kNotFound, "cannot open CSV file " + path, "path");
  std::string line;
  std::getline(in, line);
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 byte order mark
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= line.size()) {
    auto end = line.find(',', start);
    if (end == std::string::npos) end = line.size();
    std::string name = line.substr(start, end - start);
    auto first = name.find_first_not_of(" \t\"");
    auto last = name.find_last_not_of(" \t\"");
    names.push_back(first == std::string::npos ? std::string() : name.substr(first, last - first + 1));
    start = end + 1;
  }
  return names;
}

}  // namespace

std::int64_t Warehouse::import_interactions_csv(const std::string& csv_path, const CsvImportOptions& options) {
  const std::vector<std::string> header = read_csv_header(csv_path);
  auto has = [&](std::string_view name) {
    for (const auto& h : header) {
      if (h == name) return true;
    }
    return false;
  };
  std::string missing;
  for (auto name : kCsvRequired) {
    if (!has(name)) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  if (!missing.empty()) {
    throw Error(Code::kInvalidArgument, "CSV " + csv_path + " lacks column(s) " + missing, "path");
  }
  std::string columns;  // read_csv's columns struct: every header column read as text except rating
  for (const auto& name : header) {
    bool known = false;
    for (auto k : kCsvRequired) known = known || name == k;
    for (auto k : kCsvOptional) known = known || name == k;
    if (!known) {
      throw Error(Code::kInvalidArgument,
                  "CSV " + csv_path + " has unknown column '" + name +
                      "' (known: user_id, domain, item_id, interaction_type, rating, timestamp, metadata)",
                  "path");
    }
    if (!columns.empty()) columns += ", ";
    columns += quote_literal(name) + ": " + (name == "rating" ? "'DOUBLE'" : "'VARCHAR'");
  }

  std::vector<std::string> type_names;
  std::vector<double> type_weights;
  for (const auto& [name, weight] : options.type_weights) {
    type_names.push_back(name);
    type_weights.push_back(weight);
  }

  // Parameters: $1 first id, $2/$3 type names/weights, $4 domains, $5/$6 rating range, $7 rating neutral,
  // $8 max id bytes, $9 now, $10 latest accepted timestamp, $11 max metadata bytes.
  const std::string rating = has("rating") ? "r.rating" : "CAST(NULL AS DOUBLE)";
  const std::string raw_time = has("timestamp") ? "r.\"timestamp\"" : "CAST(NULL AS VARCHAR)";
  const std::string metadata = has("metadata") ? "nullif(r.metadata, '')" : "CAST(NULL AS VARCHAR)";
  const std::string sql =
      "INSERT INTO user_interactions (id, user_id, domain, item_id, interaction_type, rating, weight, timestamp, "
      "metadata, ingested_at) "
      "WITH src AS ("
      "  SELECT r.user_id, r.domain, r.item_id, r.interaction_type, " + rating + " AS rating, " + raw_time +
      " AS raw_time, " + metadata + " AS metadata, w.weight AS type_weight, "
      "  CASE WHEN " + raw_time + " IS NULL OR " + raw_time + " = '' THEN $9 "
      "       WHEN suffix(" + raw_time + ", 'Z') THEN TRY_CAST(" + raw_time + " AS TIMESTAMP) "
      "       WHEN regexp_full_match(" + raw_time + ", '-?[0-9]+(\\.[0-9]*)?') THEN "
      "         make_timestamp(CAST(TRY_CAST(" + raw_time + " AS DOUBLE) * 1000000 AS BIGINT)) "
      "       ELSE CAST(TRY_CAST(" + raw_time + " AS TIMESTAMPTZ) AS TIMESTAMP) END AS ts "
      "  FROM read_csv(" + quote_literal(csv_path) + ", header = true, auto_detect = false, delim = ',', "
      "                quote = '\"', escape = '\"', columns = {" + columns + "}) r "
      "  LEFT JOIN (SELECT unnest($2::VARCHAR[]) AS type, unnest($3::DOUBLE[]) AS weight) w "
      "    ON w.type = r.interaction_type) "
      "SELECT $1 - 1 + nextval('mxn_import_ids'), user_id, domain, item_id, interaction_type, rating, "
      "       CASE WHEN interaction_type = 'rating' THEN rating - $7 ELSE type_weight END, ts, metadata, $9 "
      "FROM src WHERE CASE "
      "  WHEN coalesce(user_id, '') = '' OR strlen(user_id) > $8 THEN "
      "    error(format('user_id must be 1 to {} bytes (item_id \"{}\")', $8, item_id)) "
      "  WHEN coalesce(item_id, '') = '' OR strlen(item_id) > $8 THEN "
      "    error(format('item_id must be 1 to {} bytes (user_id \"{}\")', $8, user_id)) "
      "  WHEN NOT list_contains($4::VARCHAR[], domain) THEN "
      "    error(format('unknown or disabled domain \"{}\" (user_id \"{}\", item_id \"{}\")', domain, user_id, "
      "                 item_id)) "
      "  WHEN type_weight IS NULL THEN "
      "    error(format('unknown interaction_type \"{}\" (user_id \"{}\", item_id \"{}\")', interaction_type, "
      "                 user_id, item_id)) "
      "  WHEN interaction_type = 'rating' AND rating IS NULL THEN "
      "    error(format('rating is required for interaction_type rating (user_id \"{}\", item_id \"{}\")', "
      "                 user_id, item_id)) "
      "  WHEN rating IS NOT NULL AND NOT (rating BETWEEN $5 AND $6) THEN "
      "    error(format('rating {} is outside [{}, {}] (user_id \"{}\", item_id \"{}\")', rating, $5, $6, user_id, "
      "                 item_id)) "
      "  WHEN ts IS NULL THEN "
      "    error(format('timestamp \"{}\" is neither ISO-8601 nor epoch seconds (user_id \"{}\", item_id \"{}\")', "
      "                 raw_time, user_id, item_id)) "
      "  WHEN ts < TIMESTAMP '1970-01-01' OR ts > $10 THEN "
      "    error(format('timestamp {} is before 1970 or more than a day in the future (user_id \"{}\", "
      "item_id \"{}\")', ts, user_id, item_id)) "
      "  WHEN metadata IS NOT NULL AND (strlen(metadata) > $11 OR NOT json_valid(metadata) OR "
      "       json_type(metadata) <> 'OBJECT') THEN "
      "    error(format('metadata must be a JSON object of at most {} bytes (user_id \"{}\", item_id \"{}\")', "
      "                 $11, user_id, item_id)) "
      "  ELSE true END";

  auto connection = pool_.acquire();
  std::lock_guard lock(database_->write_mutex());
  const std::int64_t first_id = next_interaction_id(*connection);
  const std::int64_t now = now_us();
  database_->seen.invalidate();  // the import creates users and items behind the mirror's back
  Transaction transaction(*connection);
  connection->execute("CREATE OR REPLACE TEMP SEQUENCE mxn_import_ids START 1");
  const auto seconds_since = [](std::int64_t start) { return static_cast<double>(now_us() - start) / 1e6; };
  const std::int64_t rows = connection->prepare(sql)
                                .bind_int64(1, first_id)
                                .bind_varchar_list(2, type_names)
                                .bind_double_list(3, type_weights)
                                .bind_varchar_list(4, options.domains)
                                .bind_double(5, options.rating_min)
                                .bind_double(6, options.rating_max)
                                .bind_double(7, options.rating_neutral)
                                .bind_int64(8, options.max_id_bytes)
                                .bind_timestamp(9, now)
                                .bind_timestamp(10, now + options.max_future_us)
                                .bind_int64(11, options.max_metadata_bytes)
                                .execute()
                                .rows_changed();
  const double insert_s = seconds_since(now);
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
  const double first_sight_s = seconds_since(now) - insert_s;
  transaction.commit();
  database_->next_interaction_id = first_id + rows;
  log::info("warehouse.imported", "path", csv_path, "rows", rows, "insert_s", insert_s, "users_items_s",
            first_sight_s, "commit_s", seconds_since(now) - insert_s - first_sight_s);
  return rows;
}

}  // namespace mxn::warehouse

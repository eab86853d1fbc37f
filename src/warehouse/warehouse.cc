#include "warehouse/warehouse.h"

#include <limits>
#include <mutex>

#include "core/error.h"
#include "core/time.h"
#include "warehouse/database.h"
#include "warehouse/migrations.h"
#include "warehouse/transaction.h"

namespace mxn::warehouse {

namespace {

// Ids per scan window: bounds the memory of one materialized window (~60 MB at 1M rows).
constexpr std::int64_t kScanWindow = std::int64_t{1} << 20;

std::int64_t limit_or_all(std::size_t limit) {
  return limit == 0 ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(limit);
}

std::optional<double> optional_double(const DataChunk& c, std::size_t col, std::size_t row) {
  return c.is_null(col, row) ? std::nullopt : std::optional<double>(c.float64(col, row));
}

std::optional<std::int64_t> optional_int64(const DataChunk& c, std::size_t col, std::size_t row) {
  return c.is_null(col, row) ? std::nullopt : std::optional<std::int64_t>(c.int64(col, row));
}

std::string text_or_empty(const DataChunk& c, std::size_t col, std::size_t row) {
  return c.is_null(col, row) ? std::string() : std::string(c.varchar(col, row));
}

constexpr std::string_view kInteractionColumns =
    "id, user_id, domain, item_id, interaction_type, rating, weight, timestamp, metadata";

InteractionRecord read_interaction(const DataChunk& c, std::size_t row) {
  InteractionRecord r;
  r.id = c.int64(0, row);
  r.user_id = c.varchar(1, row);
  r.domain = c.varchar(2, row);
  r.item_id = c.varchar(3, row);
  r.type = c.varchar(4, row);
  r.rating = optional_double(c, 5, row);
  r.weight = c.float64(6, row);
  r.timestamp_us = c.int64(7, row);
  r.metadata = text_or_empty(c, 8, row);
  return r;
}

constexpr std::string_view kItemColumns =
    "domain, item_id, title, description, tags, metadata, embedding, text_hash, encoder_fingerprint, created_at, "
    "updated_at";

CatalogItem read_item(const DataChunk& c, std::size_t row) {
  CatalogItem item;
  item.domain = c.varchar(0, row);
  item.item_id = c.varchar(1, row);
  item.title = c.varchar(2, row);
  item.description = c.varchar(3, row);
  item.tags = c.varchar_list(4, row);
  item.metadata = text_or_empty(c, 5, row);
  if (!c.is_null(6, row)) item.embedding = c.float_list(6, row);
  item.text_hash = text_or_empty(c, 7, row);
  item.encoder_fingerprint = text_or_empty(c, 8, row);
  item.created_at_us = c.int64(9, row);
  item.updated_at_us = c.int64(10, row);
  return item;
}

constexpr std::string_view kRunColumns =
    "run_id, domain, model, params, n_users, n_items, n_interactions, metrics, duration_s, model_version, status, "
    "error, started_at, finished_at";

TrainingRun read_run(const DataChunk& c, std::size_t row) {
  TrainingRun run;
  run.run_id = c.varchar(0, row);
  run.domain = c.varchar(1, row);
  run.model = c.varchar(2, row);
  run.params = text_or_empty(c, 3, row);
  run.n_users = c.int64(4, row);
  run.n_items = c.int64(5, row);
  run.n_interactions = c.int64(6, row);
  run.metrics = text_or_empty(c, 7, row);
  run.duration_s = c.float64(8, row);
  run.model_version = optional_int64(c, 9, row);
  run.status = c.varchar(10, row);
  run.error = text_or_empty(c, 11, row);
  run.started_at_us = c.int64(12, row);
  run.finished_at_us = optional_int64(c, 13, row);
  return run;
}

// Calls `each(chunk, row)` for every row of `result`.
template <class F>
void for_each_row(Result& result, F&& each) {
  for (auto chunk = result.next_chunk(); chunk; chunk = result.next_chunk()) {
    for (std::size_t row = 0; row < chunk->size(); ++row) each(*chunk, row);
  }
}

}  // namespace

Warehouse::Warehouse(const config::WarehouseConfig& config)
    : database_(Database::open(config)), pool_(database_) {
  auto connection = pool_.acquire();
  std::lock_guard lock(database_->write_mutex());
  migrate(*connection, config.path.empty() ? std::string(":memory:") : config.path);
}

Warehouse::~Warehouse() = default;

const std::string& Warehouse::path() const { return database_->path(); }

int Warehouse::schema_version() const {
  auto connection = pool_.acquire();
  return warehouse::schema_version(*connection);
}

std::int64_t Warehouse::count_interactions_since(const std::string& domain, std::int64_t since_us) const {
  auto connection = pool_.acquire();
  return connection->prepare("SELECT count(*) FROM user_interactions WHERE domain = $1 AND ingested_at >= $2")
      .bind_varchar(1, domain)
      .bind_timestamp(2, since_us)
      .execute()
      .scalar_int64();
}

void Warehouse::scan_interactions(const std::string& domain,
                                  const std::function<void(const InteractionChunk&)>& on_chunk) const {
  auto connection = pool_.acquire();
  Transaction snapshot(*connection);  // every window reads the same snapshot
  auto bounds = connection->prepare("SELECT min(id), max(id) FROM user_interactions WHERE domain = $1")
                    .bind_varchar(1, domain)
                    .execute();
  auto chunk = bounds.next_chunk();
  if (!chunk || chunk->is_null(0, 0)) return;
  const std::int64_t first = chunk->int64(0, 0);
  const std::int64_t last = chunk->int64(1, 0);

  auto window = connection->prepare(
      "SELECT user_id, item_id, interaction_type, rating, weight, timestamp FROM user_interactions "
      "WHERE domain = $1 AND id >= $2 AND id < $3");
  std::vector<std::string_view> users, items, types;
  std::vector<std::optional<double>> ratings;
  std::vector<double> weights;
  std::vector<std::int64_t> times;
  for (std::int64_t low = first; low <= last; low += kScanWindow) {
    auto result = window.bind_varchar(1, domain).bind_int64(2, low).bind_int64(3, low + kScanWindow).execute();
    for (auto rows = result.next_chunk(); rows; rows = result.next_chunk()) {
      const std::size_t n = rows->size();
      users.resize(n);
      items.resize(n);
      types.resize(n);
      ratings.resize(n);
      weights.resize(n);
      times.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        users[i] = rows->varchar(0, i);
        items[i] = rows->varchar(1, i);
        types[i] = rows->varchar(2, i);
        ratings[i] = optional_double(*rows, 3, i);
        weights[i] = rows->float64(4, i);
        times[i] = rows->int64(5, i);
      }
      on_chunk(InteractionChunk{users, items, types, ratings, weights, times});
    }
  }
  snapshot.commit();
}

std::vector<InteractionRecord> Warehouse::user_history(const std::string& user_id,
                                                       const HistoryQuery& query) const {
  const HistoryCursor after =
      query.after.value_or(HistoryCursor{.timestamp_us = std::numeric_limits<std::int64_t>::max(),
                                         .id = std::numeric_limits<std::int64_t>::max()});
  auto connection = pool_.acquire();
  auto result = connection
                    ->prepare("SELECT " + std::string(kInteractionColumns) +
                              " FROM user_interactions WHERE user_id = $1 AND ($2 = '' OR domain = $2) "
                              "AND ($3 = '' OR item_id = $3) AND (epoch_us(timestamp) < $4 "
                              "OR (epoch_us(timestamp) = $4 AND id < $5)) "
                              "ORDER BY timestamp DESC, id DESC LIMIT $6")
                    .bind_varchar(1, user_id)
                    .bind_varchar(2, query.domain)
                    .bind_varchar(3, query.item_id)
                    .bind_int64(4, after.timestamp_us)
                    .bind_int64(5, after.id)
                    .bind_int64(6, limit_or_all(query.limit))
                    .execute();
  std::vector<InteractionRecord> out;
  for_each_row(result, [&](const DataChunk& c, std::size_t row) { out.push_back(read_interaction(c, row)); });
  return out;
}

DomainStats Warehouse::domain_stats(const std::string& domain) const {
  auto connection = pool_.acquire();
  Transaction snapshot(*connection);
  DomainStats stats;
  stats.domain = domain;
  auto totals = connection
                    ->prepare("SELECT count(*), count(DISTINCT user_id), count(DISTINCT item_id), min(timestamp), "
                              "max(timestamp) FROM user_interactions WHERE domain = $1")
                    .bind_varchar(1, domain)
                    .execute();
  if (auto c = totals.next_chunk()) {
    stats.n_interactions = c->int64(0, 0);
    stats.n_users = c->int64(1, 0);
    stats.n_interacted_items = c->int64(2, 0);
    stats.first_interaction_us = optional_int64(*c, 3, 0);
    stats.last_interaction_us = optional_int64(*c, 4, 0);
  }
  auto by_type = connection
                     ->prepare("SELECT interaction_type, count(*) FROM user_interactions WHERE domain = $1 "
                               "GROUP BY interaction_type")
                     .bind_varchar(1, domain)
                     .execute();
  for_each_row(by_type, [&](const DataChunk& c, std::size_t row) {
    stats.interactions_by_type[std::string(c.varchar(0, row))] = c.int64(1, row);
  });
  stats.n_catalog_items = connection->prepare("SELECT count(*) FROM items_catalog WHERE domain = $1")
                              .bind_varchar(1, domain)
                              .execute()
                              .scalar_int64();
  snapshot.commit();
  return stats;
}

namespace {

/// Inside a deletion's transaction, before the DELETE: keeps the largest id among the interactions that
/// `where` selects (bound to `bind`), so that new ids continue past it (migration 3).
template <class Bind>
void keep_id_floor(Connection& connection, const std::string& where, Bind bind) {
  auto select =
      connection.prepare("INSERT INTO interaction_id_floor SELECT max(id) FROM user_interactions WHERE " +
                         where + " HAVING max(id) IS NOT NULL");
  bind(select);
  select.execute();
}

}  // namespace

Warehouse::DeletedUser Warehouse::delete_user(const std::string& user_id) {
  auto connection = pool_.acquire();
  std::lock_guard lock(database_->write_mutex());
  Transaction transaction(*connection);
  auto remove = [&](const char* sql) {
    return connection->prepare(sql).bind_varchar(1, user_id).execute().rows_changed();
  };
  DeletedUser out;
  keep_id_floor(*connection, "user_id = $1", [&](PreparedStatement& p) { p.bind_varchar(1, user_id); });
  out.interactions = remove("DELETE FROM user_interactions WHERE user_id = $1");
  out.served_lists = remove("DELETE FROM recommendations WHERE user_id = $1");
  out.known =
      remove("DELETE FROM users WHERE user_id = $1") > 0 || out.interactions > 0 || out.served_lists > 0;
  transaction.commit();
  database_->seen.invalidate();  // the write path's mirror of the users table
  return out;
}

std::optional<std::int64_t> Warehouse::delete_item(const std::string& domain, const std::string& item_id) {
  auto connection = pool_.acquire();
  std::lock_guard lock(database_->write_mutex());
  Transaction transaction(*connection);
  auto remove = [&](const char* sql) {
    return connection->prepare(sql).bind_varchar(1, domain).bind_varchar(2, item_id).execute().rows_changed();
  };
  const std::int64_t interactions =
      remove("DELETE FROM user_interactions WHERE domain = $1 AND item_id = $2");
  const std::int64_t catalog = remove("DELETE FROM items_catalog WHERE domain = $1 AND item_id = $2");
  if (interactions == 0 && catalog == 0) return std::nullopt;  // the transaction rolls back: nothing changed
  connection
      ->prepare("INSERT OR REPLACE INTO deleted_items (domain, item_id, deleted_at) VALUES ($1, $2, $3)")
      .bind_varchar(1, domain)
      .bind_varchar(2, item_id)
      .bind_timestamp(3, now_us())
      .execute();
  transaction.commit();
  database_->seen.invalidate();  // the write path's mirror of the catalog
  return interactions;
}

std::optional<InteractionRecord> Warehouse::delete_interaction(std::int64_t id) {
  auto connection = pool_.acquire();
  std::lock_guard lock(database_->write_mutex());
  Transaction transaction(*connection);
  keep_id_floor(*connection, "id = $1", [&](PreparedStatement& p) { p.bind_int64(1, id); });
  auto result = connection
                    ->prepare("DELETE FROM user_interactions WHERE id = $1 RETURNING " +
                              std::string(kInteractionColumns))
                    .bind_int64(1, id)
                    .execute();
  auto c = result.next_chunk();
  if (!c) return std::nullopt;  // rolled back: nothing was written
  InteractionRecord deleted = read_interaction(*c, 0);
  transaction.commit();
  return deleted;
}

std::vector<std::string> Warehouse::deleted_items(const std::string& domain) const {
  auto connection = pool_.acquire();
  auto result = connection
                    ->prepare(
                        "SELECT d.item_id FROM deleted_items d WHERE d.domain = $1 "
                        "AND NOT EXISTS (SELECT 1 FROM items_catalog c WHERE c.domain = d.domain "
                        "AND c.item_id = d.item_id) "
                        "AND NOT EXISTS (SELECT 1 FROM user_interactions i WHERE i.domain = d.domain "
                        "AND i.item_id = d.item_id) ORDER BY d.item_id")
                    .bind_varchar(1, domain)
                    .execute();
  std::vector<std::string> out;
  for_each_row(result, [&](const DataChunk& c, std::size_t row) { out.emplace_back(c.varchar(0, row)); });
  return out;
}

std::optional<UserRecord> Warehouse::get_user(const std::string& user_id) const {
  auto connection = pool_.acquire();
  auto result = connection->prepare("SELECT user_id, first_seen, last_seen FROM users WHERE user_id = $1")
                    .bind_varchar(1, user_id)
                    .execute();
  auto c = result.next_chunk();
  if (!c) return std::nullopt;
  return UserRecord{std::string(c->varchar(0, 0)), c->int64(1, 0), c->int64(2, 0)};
}

std::vector<UserRecord> Warehouse::list_users(const std::string& domain, std::size_t limit,
                                              std::size_t offset) const {
  auto connection = pool_.acquire();
  auto result =
      connection
          ->prepare(domain.empty() ? "SELECT user_id, first_seen, last_seen FROM users WHERE $1 = '' "
                                     "ORDER BY user_id LIMIT $2 OFFSET $3"
                                   : "SELECT user_id, min(timestamp), max(timestamp) FROM user_interactions "
                                     "WHERE domain = $1 GROUP BY user_id ORDER BY user_id LIMIT $2 OFFSET $3")
          .bind_varchar(1, domain)
          .bind_int64(2, limit_or_all(limit))
          .bind_int64(3, static_cast<std::int64_t>(offset))
          .execute();
  std::vector<UserRecord> out;
  for_each_row(result, [&](const DataChunk& c, std::size_t row) {
    out.push_back(UserRecord{std::string(c.varchar(0, row)), c.int64(1, row), c.int64(2, row)});
  });
  return out;
}

std::optional<CatalogItem> Warehouse::get_item(const std::string& domain, const std::string& item_id) const {
  auto connection = pool_.acquire();
  auto result = connection
                    ->prepare("SELECT " + std::string(kItemColumns) +
                              " FROM items_catalog WHERE domain = $1 AND item_id = $2")
                    .bind_varchar(1, domain)
                    .bind_varchar(2, item_id)
                    .execute();
  auto c = result.next_chunk();
  if (!c) return std::nullopt;
  return read_item(*c, 0);
}

std::vector<CatalogItem> Warehouse::list_items(const std::string& domain, std::size_t limit,
                                               std::size_t offset, const std::string& tag) const {
  auto connection = pool_.acquire();
  auto result = connection
                    ->prepare("SELECT " + std::string(kItemColumns) +
                              " FROM items_catalog WHERE domain = $1 AND ($4 = '' OR "
                              "len(list_filter(tags, t -> lower(t) = lower($4))) > 0) "
                              "ORDER BY item_id LIMIT $2 OFFSET $3")
                    .bind_varchar(1, domain)
                    .bind_int64(2, limit_or_all(limit))
                    .bind_int64(3, static_cast<std::int64_t>(offset))
                    .bind_varchar(4, tag)
                    .execute();
  std::vector<CatalogItem> out;
  for_each_row(result, [&](const DataChunk& c, std::size_t row) { out.push_back(read_item(c, row)); });
  return out;
}

std::optional<RecommendationRecord> Warehouse::latest_recommendation(const std::string& user_id,
                                                                     const std::string& domain) const {
  auto connection = pool_.acquire();
  auto result = connection
                    ->prepare("SELECT id, user_id, domain, generated_at, model_types, items FROM recommendations "
                              "WHERE user_id = $1 AND domain = $2 ORDER BY generated_at DESC, id DESC LIMIT 1")
                    .bind_varchar(1, user_id)
                    .bind_varchar(2, domain)
                    .execute();
  auto c = result.next_chunk();
  if (!c) return std::nullopt;
  RecommendationRecord r;
  r.id = c->int64(0, 0);
  r.user_id = c->varchar(1, 0);
  r.domain = c->varchar(2, 0);
  r.generated_at_us = c->int64(3, 0);
  r.model_types = c->varchar_list(4, 0);
  r.items = c->varchar(5, 0);
  return r;
}

void Warehouse::record_training_run(const TrainingRun& run) {
  if (run.run_id.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "run_id");
  if (run.domain.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "domain");
  auto connection = pool_.acquire();
  std::lock_guard lock(database_->write_mutex());
  connection
      ->prepare("INSERT INTO training_history (" + std::string(kRunColumns) +
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
                "ON CONFLICT (run_id) DO UPDATE SET domain = excluded.domain, model = excluded.model, "
                "params = excluded.params, n_users = excluded.n_users, n_items = excluded.n_items, "
                "n_interactions = excluded.n_interactions, metrics = excluded.metrics, "
                "duration_s = excluded.duration_s, model_version = excluded.model_version, "
                "status = excluded.status, error = excluded.error, started_at = excluded.started_at, "
                "finished_at = excluded.finished_at")
      .bind_varchar(1, run.run_id)
      .bind_varchar(2, run.domain)
      .bind_varchar(3, run.model)
      .bind_varchar_or_null(4, run.params)
      .bind_int64(5, run.n_users)
      .bind_int64(6, run.n_items)
      .bind_int64(7, run.n_interactions)
      .bind_varchar_or_null(8, run.metrics)
      .bind_double(9, run.duration_s)
      .bind_optional_int64(10, run.model_version)
      .bind_varchar(11, run.status)
      .bind_varchar_or_null(12, run.error)
      .bind_timestamp(13, run.started_at_us != 0 ? run.started_at_us : now_us())
      .bind_optional_timestamp(14, run.finished_at_us)
      .execute();
}

std::vector<TrainingRun> Warehouse::list_training_runs(const std::string& domain, std::size_t limit) const {
  auto connection = pool_.acquire();
  auto result = connection
                    ->prepare("SELECT " + std::string(kRunColumns) +
                              " FROM training_history WHERE ($1 = '' OR domain = $1) "
                              "ORDER BY started_at DESC, run_id DESC LIMIT $2")
                    .bind_varchar(1, domain)
                    .bind_int64(2, limit_or_all(limit))
                    .execute();
  std::vector<TrainingRun> out;
  for_each_row(result, [&](const DataChunk& c, std::size_t row) { out.push_back(read_run(c, row)); });
  return out;
}

}  // namespace mxn::warehouse

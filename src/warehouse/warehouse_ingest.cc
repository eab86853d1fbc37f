// Warehouse writes of interactions and catalog rows: the appender path and first-sight users and items.

#include <mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "warehouse/appender.h"
#include "warehouse/database.h"
#include "warehouse/seen_index.h"
#include "warehouse/transaction.h"
#include "warehouse/warehouse.h"

namespace mxn::warehouse {

namespace {

// user_interactions columns in table order.
std::vector<LogicalType> interaction_types() {
  std::vector<LogicalType> types;
  for (duckdb_type t : {DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR,
                        DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_DOUBLE, DUCKDB_TYPE_DOUBLE, DUCKDB_TYPE_TIMESTAMP,
                        DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_TIMESTAMP}) {
    types.emplace_back(t);
  }
  return types;
}

struct ItemKey {
  std::string_view domain;
  std::string_view item_id;
  bool operator==(const ItemKey&) const = default;
};

// Not noexcept, so that libstdc++ caches hash codes in the nodes (see seen_index.h).
struct ItemKeyHash {
  std::size_t operator()(const ItemKey& k) const {
    std::size_t h = std::hash<std::string_view>{}(k.domain);
    return h ^ (std::hash<std::string_view>{}(k.item_id) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
};

// Fills chunks of `chunk` from rows [0, n) with `fill(chunk, row_in_chunk, index)`, appending each full chunk.
template <class Fill>
void append_in_chunks(Appender& appender, DataChunk& chunk, std::size_t n, Fill&& fill) {
  const std::size_t capacity = DataChunk::capacity();
  std::size_t in_chunk = 0;
  for (std::size_t i = 0; i < n; ++i) {
    fill(chunk, in_chunk, i);
    if (++in_chunk == capacity) {
      chunk.set_size(in_chunk);
      appender.append(chunk);
      chunk.reset();
      in_chunk = 0;
    }
  }
  if (in_chunk > 0) {
    chunk.set_size(in_chunk);
    appender.append(chunk);
  }
}

// What a batch adds to users and items_catalog, given what the tables already hold.
struct FirstSight {
  std::vector<std::pair<std::string_view, SeenIndex::Span>> new_users;    // exact span of the batch
  std::vector<std::pair<std::string_view, SeenIndex::Span>> moved_users;  // merged span to store
  std::vector<ItemKey> new_items;
};

FirstSight plan_first_sight(const SeenIndex& seen, std::span<const InteractionRecord> rows) {
  std::unordered_map<std::string_view, SeenIndex::Span> users;
  std::unordered_set<ItemKey, ItemKeyHash> items;
  for (const auto& r : rows) {
    auto [it, inserted] = users.try_emplace(r.user_id, SeenIndex::Span{r.timestamp_us, r.timestamp_us});
    if (!inserted) {
      it->second.first_us = std::min(it->second.first_us, r.timestamp_us);
      it->second.last_us = std::max(it->second.last_us, r.timestamp_us);
    }
    if (!seen.has_item(r.domain, r.item_id)) items.insert(ItemKey{r.domain, r.item_id});
  }
  FirstSight plan;
  for (const auto& [user, span] : users) {
    const SeenIndex::Span* stored = seen.user(user);
    if (stored == nullptr) {
      plan.new_users.emplace_back(user, span);
      continue;
    }
    const SeenIndex::Span merged{std::min(stored->first_us, span.first_us), std::max(stored->last_us, span.last_us)};
    if (merged.first_us < stored->first_us - Warehouse::kSeenResolutionUs ||
        merged.last_us > stored->last_us + Warehouse::kSeenResolutionUs) {
      plan.moved_users.emplace_back(user, merged);
    }
  }
  plan.new_items.assign(items.begin(), items.end());
  return plan;
}

std::vector<LogicalType> user_types() {
  std::vector<LogicalType> types;
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  types.emplace_back(DUCKDB_TYPE_TIMESTAMP);
  types.emplace_back(DUCKDB_TYPE_TIMESTAMP);
  return types;
}

// items_catalog columns in table order.
std::vector<LogicalType> catalog_types() {
  std::vector<LogicalType> types;
  for (duckdb_type t : {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR}) {
    types.emplace_back(t);
  }
  types.push_back(LogicalType::list_of(DUCKDB_TYPE_VARCHAR));  // tags
  types.emplace_back(DUCKDB_TYPE_VARCHAR);                      // metadata
  types.push_back(LogicalType::list_of(DUCKDB_TYPE_FLOAT));    // embedding
  for (duckdb_type t : {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_TIMESTAMP, DUCKDB_TYPE_TIMESTAMP}) {
    types.emplace_back(t);
  }
  return types;
}

// Inserts new users and items with plain appends (the mirror says they are absent) and moves the spans of
// returning users with one set-based upsert, all inside the caller's transaction.
void write_first_sight(Connection& connection, const FirstSight& plan, std::int64_t now) {
  if (!plan.new_users.empty()) {
    const auto types = user_types();
    Appender appender(connection, "users");
    DataChunk chunk(types);
    append_in_chunks(appender, chunk, plan.new_users.size(), [&](DataChunk& c, std::size_t row, std::size_t i) {
      c.set_varchar(0, row, plan.new_users[i].first);
      c.set_int64(1, row, plan.new_users[i].second.first_us);
      c.set_int64(2, row, plan.new_users[i].second.last_us);
    });
    appender.close();
  }
  if (!plan.moved_users.empty()) {
    const auto types = user_types();
    Appender appender(connection,
                      "INSERT INTO users (user_id, first_seen, last_seen) "
                      "SELECT user_id, first_seen, last_seen FROM seen "
                      "ON CONFLICT (user_id) DO UPDATE SET "
                      "first_seen = least(users.first_seen, excluded.first_seen), "
                      "last_seen = greatest(users.last_seen, excluded.last_seen)",
                      types, "seen", {"user_id", "first_seen", "last_seen"});
    DataChunk chunk(types);
    append_in_chunks(appender, chunk, plan.moved_users.size(), [&](DataChunk& c, std::size_t row, std::size_t i) {
      c.set_varchar(0, row, plan.moved_users[i].first);
      c.set_int64(1, row, plan.moved_users[i].second.first_us);
      c.set_int64(2, row, plan.moved_users[i].second.last_us);
    });
    appender.close();
  }
  if (!plan.new_items.empty()) {
    const auto types = catalog_types();
    Appender appender(connection, "items_catalog");
    DataChunk chunk(types);
    append_in_chunks(appender, chunk, plan.new_items.size(), [&](DataChunk& c, std::size_t row, std::size_t i) {
      c.set_varchar(0, row, plan.new_items[i].domain);
      c.set_varchar(1, row, plan.new_items[i].item_id);
      c.set_varchar(2, row, "");
      c.set_varchar(3, row, "");
      c.set_varchar_list(4, row, {});
      for (std::size_t col : {5, 6, 7, 8}) c.set_null(col, row);
      c.set_int64(9, row, now);
      c.set_int64(10, row, now);
    });
    appender.close();
  }
}

}  // namespace

std::int64_t Warehouse::next_interaction_id(Connection& connection) {
  if (database_->next_interaction_id < 0) {
    database_->next_interaction_id =
        connection
            .query(
                "SELECT greatest((SELECT coalesce(max(id), 0) FROM user_interactions), "
                "(SELECT coalesce(max(deleted_max), 0) FROM interaction_id_floor)) + 1")
            .scalar_int64();
  }
  return database_->next_interaction_id;
}

void Warehouse::append_interactions(std::span<InteractionRecord> rows) {
  if (rows.empty()) return;
  auto connection = pool_.acquire();
  std::lock_guard lock(database_->write_mutex());
  const std::int64_t first_id = next_interaction_id(*connection);
  if (!database_->seen.loaded()) database_->seen.load(*connection);
  const std::int64_t now = now_us();
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].id = first_id + static_cast<std::int64_t>(i);
  const FirstSight plan = plan_first_sight(database_->seen, rows);
  try {
    Transaction transaction(*connection);
    Appender appender(*connection, "user_interactions");
    DataChunk chunk(interaction_types());
    append_in_chunks(appender, chunk, rows.size(), [&](DataChunk& c, std::size_t row, std::size_t i) {
      const InteractionRecord& r = rows[i];
      c.set_int64(0, row, r.id);
      c.set_varchar(1, row, r.user_id);
      c.set_varchar(2, row, r.domain);
      c.set_varchar(3, row, r.item_id);
      c.set_varchar(4, row, r.type);
      if (r.rating) {
        c.set_double(5, row, *r.rating);
      } else {
        c.set_null(5, row);
      }
      c.set_double(6, row, r.weight);
      c.set_int64(7, row, r.timestamp_us);
      if (r.metadata.empty()) {
        c.set_null(8, row);
      } else {
        c.set_varchar(8, row, r.metadata);
      }
      c.set_int64(9, row, now);
    });
    appender.close();
    write_first_sight(*connection, plan, now);
    transaction.commit();
  } catch (...) {
    for (auto& r : rows) r.id = 0;
    database_->seen.invalidate();  // cheap insurance: reload from the tables before the next write
    throw;
  }
  for (const auto& [user, span] : plan.new_users) database_->seen.set_user(user, span);
  for (const auto& [user, span] : plan.moved_users) database_->seen.set_user(user, span);
  for (const auto& item : plan.new_items) database_->seen.add_item(item.domain, item.item_id);
  database_->next_interaction_id = first_id + static_cast<std::int64_t>(rows.size());
}

void Warehouse::upsert_item(const CatalogItem& item) { upsert_items(std::span<const CatalogItem>(&item, 1)); }

void Warehouse::upsert_items(std::span<const CatalogItem> items) {
  if (items.empty()) return;
  // The last version of an item wins; one statement must not touch a row twice.
  std::unordered_map<ItemKey, std::size_t, ItemKeyHash> last;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].domain.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "domain");
    if (items[i].item_id.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "item_id");
    last[ItemKey{items[i].domain, items[i].item_id}] = i;
  }
  std::vector<LogicalType> types;
  for (duckdb_type t : {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR}) {
    types.emplace_back(t);
  }
  types.push_back(LogicalType::list_of(DUCKDB_TYPE_VARCHAR));
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  types.push_back(LogicalType::list_of(DUCKDB_TYPE_FLOAT));
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  types.emplace_back(DUCKDB_TYPE_TIMESTAMP);
  const std::int64_t now = now_us();

  auto connection = pool_.acquire();
  std::lock_guard lock(database_->write_mutex());
  Transaction transaction(*connection);
  Appender appender(
      *connection,
      "INSERT INTO items_catalog (domain, item_id, title, description, tags, metadata, embedding, text_hash, "
      "encoder_fingerprint, created_at, updated_at) "
      "SELECT domain, item_id, title, description, tags, metadata, embedding, text_hash, encoder_fingerprint, "
      "now, now FROM batch "
      "ON CONFLICT (domain, item_id) DO UPDATE SET title = excluded.title, description = excluded.description, "
      "tags = excluded.tags, metadata = excluded.metadata, "
      "embedding = CASE WHEN excluded.embedding IS NULL THEN items_catalog.embedding ELSE excluded.embedding END, "
      "text_hash = CASE WHEN excluded.embedding IS NULL THEN items_catalog.text_hash ELSE excluded.text_hash END, "
      "encoder_fingerprint = CASE WHEN excluded.embedding IS NULL THEN items_catalog.encoder_fingerprint "
      "ELSE excluded.encoder_fingerprint END, updated_at = excluded.updated_at",
      types, "batch",
      {"domain", "item_id", "title", "description", "tags", "metadata", "embedding", "text_hash",
       "encoder_fingerprint", "now"});
  DataChunk chunk(types);
  auto it = last.begin();
  append_in_chunks(appender, chunk, last.size(), [&](DataChunk& c, std::size_t row, std::size_t) {
    const CatalogItem& item = items[it->second];
    ++it;
    c.set_varchar(0, row, item.domain);
    c.set_varchar(1, row, item.item_id);
    c.set_varchar(2, row, item.title);
    c.set_varchar(3, row, item.description);
    c.set_varchar_list(4, row, item.tags);
    if (item.metadata.empty()) {
      c.set_null(5, row);
    } else {
      c.set_varchar(5, row, item.metadata);
    }
    if (item.embedding) {
      c.set_float_list(6, row, *item.embedding);
      c.set_varchar(7, row, item.text_hash);
      c.set_varchar(8, row, item.encoder_fingerprint);
    } else {
      c.set_null(6, row);
      c.set_null(7, row);
      c.set_null(8, row);
    }
    c.set_int64(9, row, now);
  });
  appender.close();
  transaction.commit();
  if (database_->seen.loaded()) {
    for (const auto& [key, index] : last) database_->seen.add_item(key.domain, key.item_id);
  }
}

void Warehouse::set_item_embeddings(const std::string& domain, std::span<const ItemEmbedding> rows) {
  if (rows.empty()) return;
  std::vector<LogicalType> types;
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  types.push_back(LogicalType::list_of(DUCKDB_TYPE_FLOAT));
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  auto connection = pool_.acquire();
  std::lock_guard lock(database_->write_mutex());
  Transaction transaction(*connection);
  Appender appender(*connection,
                    "UPDATE items_catalog SET embedding = batch.embedding, text_hash = batch.text_hash, "
                    "encoder_fingerprint = batch.encoder_fingerprint FROM batch "
                    "WHERE items_catalog.domain = batch.domain AND items_catalog.item_id = batch.item_id",
                    types, "batch", {"domain", "item_id", "embedding", "text_hash", "encoder_fingerprint"});
  DataChunk chunk(types);
  append_in_chunks(appender, chunk, rows.size(), [&](DataChunk& c, std::size_t row, std::size_t i) {
    c.set_varchar(0, row, domain);
    c.set_varchar(1, row, rows[i].item_id);
    c.set_float_list(2, row, rows[i].embedding);
    c.set_varchar(3, row, rows[i].text_hash);
    c.set_varchar(4, row, rows[i].encoder_fingerprint);
  });
  appender.close();
  transaction.commit();
}

void Warehouse::insert_recommendations(std::span<const RecommendationRecord> records) {
  for (const auto& r : records) {
    if (r.user_id.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "user_id");
    if (r.domain.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "domain");
  }
  if (records.empty()) return;
  std::vector<LogicalType> types;
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  types.emplace_back(DUCKDB_TYPE_TIMESTAMP);
  types.push_back(LogicalType::list_of(DUCKDB_TYPE_VARCHAR));
  types.emplace_back(DUCKDB_TYPE_VARCHAR);
  const std::int64_t now = now_us();
  auto connection = pool_.acquire();
  // An append-only table without keys: concurrent inserts never conflict, so no write mutex.
  Transaction transaction(*connection);
  Appender appender(*connection,
                    "INSERT INTO recommendations (user_id, domain, generated_at, model_types, items) "
                    "SELECT user_id, domain, generated_at, model_types, items FROM batch",
                    types, "batch", {"user_id", "domain", "generated_at", "model_types", "items"});
  DataChunk chunk(types);
  append_in_chunks(appender, chunk, records.size(), [&](DataChunk& c, std::size_t row, std::size_t i) {
    const RecommendationRecord& r = records[i];
    c.set_varchar(0, row, r.user_id);
    c.set_varchar(1, row, r.domain);
    c.set_int64(2, row, r.generated_at_us != 0 ? r.generated_at_us : now);
    c.set_varchar_list(3, row, r.model_types);
    c.set_varchar(4, row, r.items.empty() ? std::string_view("[]") : std::string_view(r.items));
  });
  appender.close();
  transaction.commit();
}

std::int64_t Warehouse::delete_recommendations_before(std::int64_t before_us) {
  auto connection = pool_.acquire();
  return connection->prepare("DELETE FROM recommendations WHERE generated_at < $1")
      .bind_timestamp(1, before_us)
      .execute()
      .rows_changed();
}

}  // namespace mxn::warehouse

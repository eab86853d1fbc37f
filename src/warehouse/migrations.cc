#include "warehouse/migrations.h"

#include <string>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "warehouse/connection.h"
#include "warehouse/transaction.h"

namespace mxn::warehouse {

namespace {

struct Migration {
  int version;
  std::string_view description;
  std::vector<std::string_view> statements;
};

// Index choices: user_interactions takes bulk appends of millions of rows, so it has no primary key or ART
// index (an index would be maintained row by row); scans by domain and time use DuckDB's per-row-group min/max
// statistics. recommendations is an append-only log read by user. The small, point-looked-up tables carry
// primary keys, which the first-sight upserts (ON CONFLICT) need anyway.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1,
       "interactions, users, catalog, recommendations, training history",
       {
           R"(CREATE TABLE user_interactions (
                id BIGINT NOT NULL,
                user_id VARCHAR NOT NULL,
                domain VARCHAR NOT NULL,
                item_id VARCHAR NOT NULL,
                interaction_type VARCHAR NOT NULL,
                rating DOUBLE,
                weight DOUBLE NOT NULL,
                timestamp TIMESTAMP NOT NULL,
                metadata VARCHAR,
                ingested_at TIMESTAMP NOT NULL))",
           R"(CREATE TABLE users (
                user_id VARCHAR PRIMARY KEY,
                first_seen TIMESTAMP NOT NULL,
                last_seen TIMESTAMP NOT NULL))",
           R"(CREATE TABLE items_catalog (
                domain VARCHAR NOT NULL,
                item_id VARCHAR NOT NULL,
                title VARCHAR NOT NULL DEFAULT '',
                description VARCHAR NOT NULL DEFAULT '',
                tags VARCHAR[] NOT NULL DEFAULT [],
                metadata VARCHAR,
                embedding FLOAT[],
                text_hash VARCHAR,
                encoder_fingerprint VARCHAR,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL,
                PRIMARY KEY (domain, item_id)))",
           "CREATE SEQUENCE recommendations_id_seq START 1",
           R"(CREATE TABLE recommendations (
                id BIGINT NOT NULL DEFAULT nextval('recommendations_id_seq'),
                user_id VARCHAR NOT NULL,
                domain VARCHAR NOT NULL,
                generated_at TIMESTAMP NOT NULL,
                model_types VARCHAR[] NOT NULL,
                items VARCHAR NOT NULL))",
           R"(CREATE TABLE training_history (
                run_id VARCHAR PRIMARY KEY,
                domain VARCHAR NOT NULL,
                model VARCHAR NOT NULL,
                params VARCHAR,
                n_users BIGINT NOT NULL DEFAULT 0,
                n_items BIGINT NOT NULL DEFAULT 0,
                n_interactions BIGINT NOT NULL DEFAULT 0,
                metrics VARCHAR,
                duration_s DOUBLE NOT NULL DEFAULT 0,
                model_version BIGINT,
                status VARCHAR NOT NULL,
                error VARCHAR,
                started_at TIMESTAMP NOT NULL,
                finished_at TIMESTAMP))",
       }},
      {2,
       "deleted items",
       {
           // Items deleted through the API stay out of every list until they come back (a catalog upsert or
           // an interaction), even while a model trained before the deletion still knows them.
           R"(CREATE TABLE deleted_items (
                domain VARCHAR NOT NULL,
                item_id VARCHAR NOT NULL,
                deleted_at TIMESTAMP NOT NULL,
                PRIMARY KEY (domain, item_id)))",
       }},
      {3,
       "interaction id high-water mark",
       {
           // The largest interaction id ever deleted: ids continue past it, so that an id a client was given
           // never names another interaction after its own was deleted (ids are max(id) + 1 otherwise).
           "CREATE TABLE interaction_id_floor (deleted_max BIGINT NOT NULL)",
       }},
  };
  return all;
}

}  // namespace

int latest_schema_version() { return migrations().back().version; }

int schema_version(Connection& connection) {
  connection.execute(R"(CREATE TABLE IF NOT EXISTS schema_version (
                          version INTEGER PRIMARY KEY,
                          description VARCHAR NOT NULL,
                          applied_at TIMESTAMP NOT NULL))");
  return static_cast<int>(
      connection.query("SELECT CAST(coalesce(max(version), 0) AS BIGINT) FROM schema_version").scalar_int64());
}

void migrate(Connection& connection, std::string_view path_for_messages) {
  const int current = schema_version(connection);
  const int latest = latest_schema_version();
  if (current > latest) {
    throw Error(Code::kFailedPrecondition,
                std::string(path_for_messages) + " has schema version " + std::to_string(current) +
                    ", newer than version " + std::to_string(latest) +
                    " that this mxn knows; upgrade mxn to open it");
  }
  for (const Migration& m : migrations()) {
    if (m.version <= current) continue;
    Transaction transaction(connection);
    for (std::string_view statement : m.statements) connection.execute(statement);
    connection.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)")
        .bind_int64(1, m.version)
        .bind_varchar(2, m.description)
        .bind_timestamp(3, now_us())
        .execute();
    transaction.commit();
    log::info("warehouse.migrated", "path", path_for_messages, "version", m.version);
  }
}

}  // namespace mxn::warehouse

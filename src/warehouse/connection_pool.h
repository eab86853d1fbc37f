#pragma once
// Connections to one Database for many threads: acquire() lends an idle connection (or opens one) and the
// lease gives it back when it goes out of scope. Up to kMaxIdle idle connections are kept.

#include <memory>
#include <mutex>
#include <vector>

#include "warehouse/connection.h"

namespace mxn::warehouse {

class Database;

class ConnectionPool {
 public:
  static constexpr std::size_t kMaxIdle = 16;

  explicit ConnectionPool(std::shared_ptr<Database> database);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// A connection for the lease's lifetime; the pool must outlive it.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  Lease acquire();
  Database& database() const { return *database_; }

 private:
  void release(std::unique_ptr<Connection> connection);

  std::shared_ptr<Database> database_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace mxn::warehouse

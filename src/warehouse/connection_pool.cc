#include "warehouse/connection_pool.h"

#include "core/error.h"
#include "warehouse/database.h"

namespace mxn::warehouse {

ConnectionPool::ConnectionPool(std::shared_ptr<Database> database) : database_(std::move(database)) {
  MXN_CHECK(database_ != nullptr, "connection pool without a database");
}

ConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->release(std::move(connection_));
}

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
  }
  return Lease(*this, std::make_unique<Connection>(database_));
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(connection));
}

}  // namespace mxn::warehouse

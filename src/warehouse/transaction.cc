#include "warehouse/transaction.h"

#include "core/error.h"
#include "core/log.h"
#include "warehouse/connection.h"

namespace mxn::warehouse {

Transaction::Transaction(Connection& connection) : connection_(connection) { connection_.execute("BEGIN TRANSACTION"); }

Transaction::~Transaction() {
  if (!open_) return;
  try {
    rollback();
  } catch (const std::exception& e) {
    log::warn("warehouse.rollback_failed", "error", e.what());
  }
}

void Transaction::commit() {
  MXN_CHECK(open_, "commit of a finished transaction");
  try {
    connection_.execute("COMMIT");
    open_ = false;
  } catch (...) {
    // A failed COMMIT may leave the transaction open; make sure the connection is clean, keep the first error.
    try {
      rollback();
    } catch (const std::exception&) {
    }
    throw;
  }
}

void Transaction::rollback() {
  if (!open_) return;
  open_ = false;
  connection_.execute("ROLLBACK");
}

}  // namespace mxn::warehouse

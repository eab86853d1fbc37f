#pragma once
// An explicit transaction on a Connection: BEGIN on construction, ROLLBACK on destruction unless commit()
// succeeded. Nothing written inside is visible to others, or durable, before commit() returns.

namespace mxn::warehouse {

class Connection;

class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  /// COMMIT; throws DuckDB's error (the transaction is then rolled back).
  void commit();
  void rollback();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace mxn::warehouse

// The paper-trading ledger rows (tables.yaml orders, trades, positions, account_funds) as plain
// structs, read and written through a transaction's RelationalOps. Every amount is an exact
// integer at its column's scale: prices in mils (0.001 yuan), money in cents, average costs in
// units of 0.0001 yuan. The account of a user is keyed by the user id (one account per user).
// Invariants kept by the callers (PaperBroker): account.frozen_cash = sum of frozen_cash of the
// user's working buy orders; position.frozen_quantity = unfilled shares of working sells;
// available_quantity + frozen_quantity <= quantity.
// Thread-safety: free functions over the ops they are given; the ops' transaction decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/relational_store.h"
#include "storage/table_schema.h"

namespace mystocks::services::paper {

inline constexpr const char* kOrdersTable = "orders";
inline constexpr const char* kTradesTable = "trades";
inline constexpr const char* kPositionsTable = "positions";
inline constexpr const char* kAccountsTable = "account_funds";

struct Order {
  std::string order_id;
  std::string client_order_id;  // empty when the caller gave none
  std::string account_id;
  std::string symbol;
  std::string side;        // buy | sell
  std::string order_type;  // limit | market
  std::string status;      // pending_new | new | partially_filled | filled | cancelled | ...
  std::optional<int64_t> price_mils;  // null for market orders
  int64_t quantity = 0;
  int64_t filled_quantity = 0;
  std::optional<int64_t> avg_fill_price;  // 0.0001 yuan
  int64_t frozen_cash_cents = 0;
  int64_t commission_cents = 0;
  int32_t trade_date = 0;  // days since epoch, Asia/Shanghai
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool buy() const { return side == "buy"; }
  bool working() const;
};

struct Account {
  std::string account_id;
  int64_t initial_capital_cents = 0;
  int64_t cash_cents = 0;
  int64_t frozen_cash_cents = 0;
  int64_t market_value_cents = 0;
  int64_t realized_pnl_cents = 0;
  int64_t unrealized_pnl_cents = 0;
  int64_t total_fees_cents = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  int64_t available_cash_cents() const { return cash_cents - frozen_cash_cents; }
};

struct Position {
  std::string account_id;
  std::string symbol;
  int64_t quantity = 0;
  int64_t available_quantity = 0;
  int64_t frozen_quantity = 0;
  int64_t avg_cost = 0;  // 0.0001 yuan per share, fees included
  std::optional<int64_t> last_price_mils;
  int64_t market_value_cents = 0;
  int64_t realized_pnl_cents = 0;
  int64_t opened_at = 0;
  int64_t updated_at = 0;

  // Cost of the shares held, cents (avg_cost x quantity, half up).
  int64_t cost_cents() const { return (avg_cost * quantity + 50) / 100; }
};

struct Trade {
  std::string trade_id;
  std::string order_id;
  std::string account_id;
  std::string symbol;
  std::string side;
  int64_t price_mils = 0;
  int64_t quantity = 0;
  int64_t amount_cents = 0;
  int64_t commission_cents = 0;
  int64_t stamp_duty_cents = 0;
  int64_t transfer_fee_cents = 0;
  int64_t trade_time = 0;
  int32_t trade_date = 0;
};

std::vector<Order> orders_of(const RecordBatch& rows);
Result<std::vector<Order>> read_orders(storage::RelationalOps& ops,
                                       std::vector<storage::Filter> filters);
Status write_order(storage::RelationalOps& ops, const storage::TableCatalog& catalog,
                   const Order& order);
// One order as a full orders row (what the API serialises).
Result<RecordBatch> order_batch(const storage::TableCatalog& catalog, const Order& order);

Result<std::optional<Account>> read_account(storage::RelationalOps& ops, const std::string& user);
Status write_account(storage::RelationalOps& ops, const storage::TableCatalog& catalog,
                     const Account& account);

Result<std::vector<Position>> read_positions(storage::RelationalOps& ops, const std::string& user,
                                             const std::string& symbol = {});
Status write_position(storage::RelationalOps& ops, const storage::TableCatalog& catalog,
                      const Position& position);

Status write_trade(storage::RelationalOps& ops, const storage::TableCatalog& catalog,
                   const Trade& trade);

// T+1: shares bought on an earlier trading date than `today` (days) become sellable. A position
// last touched before today has every unfrozen share available.
void roll_to(Position& position, int32_t today);

// Account and positions as API rows (account_funds / positions batches).
Result<RecordBatch> account_batch(const storage::TableCatalog& catalog, const Account& account);
Result<RecordBatch> positions_batch(const storage::TableCatalog& catalog,
                                    const std::vector<Position>& positions);

}  // namespace mystocks::services::paper

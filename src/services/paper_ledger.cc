#include "services/paper_ledger.h"

#include "core/timestamp.h"
#include "services/table_rows.h"

namespace mystocks::services::paper {
namespace {

std::optional<int64_t> optional_int64(const RecordBatch& rows, std::string_view name, size_t row) {
  const Column& column = *rows.column(name);
  if (column.is_null(row)) return std::nullopt;
  return column.as<int64_t>()[row];
}

std::string optional_string(const RecordBatch& rows, std::string_view name, size_t row) {
  const Column& column = *rows.column(name);
  return column.is_null(row) ? std::string() : column.as<std::string>()[row];
}

Cell cell_of(const std::optional<int64_t>& value) { return value ? Cell{*value} : Cell{}; }

Status upsert(storage::RelationalOps& ops, const storage::TableCatalog& catalog,
              const std::string& table, const std::vector<std::string>& columns,
              const std::vector<std::vector<Cell>>& rows) {
  Result<RecordBatch> batch = make_rows(**catalog.find(table), columns, rows);
  if (!batch.is_ok()) return batch.status();
  return ops.upsert(table, *batch);
}

const std::vector<std::string> kOrderColumns = {
    "order_id",       "client_order_id", "account_id", "symbol",   "side",
    "order_type",     "time_in_force",   "price",      "quantity", "filled_quantity",
    "avg_fill_price", "frozen_cash",     "commission", "status",   "reject_reason",
    "trade_date",     "created_at",      "updated_at"};

std::vector<Cell> order_cells(const Order& order) {
  return {order.order_id,
          order.client_order_id.empty() ? Cell{} : Cell{order.client_order_id},
          order.account_id,
          order.symbol,
          order.side,
          order.order_type,
          std::string("day"),
          cell_of(order.price_mils),
          order.quantity,
          order.filled_quantity,
          cell_of(order.avg_fill_price),
          order.frozen_cash_cents,
          order.commission_cents,
          order.status,
          Cell{},
          int64_t{order.trade_date},
          order.created_at,
          order.updated_at};
}

const std::vector<std::string> kAccountColumns = {
    "account_id",     "user_id",     "currency",     "initial_capital", "cash",
    "available_cash", "frozen_cash", "market_value", "total_assets",    "realized_pnl",
    "unrealized_pnl", "total_fees",  "created_at",   "updated_at"};

std::vector<Cell> account_cells(const Account& account) {
  return {account.account_id,
          account.account_id,
          std::string("CNY"),
          account.initial_capital_cents,
          account.cash_cents,
          account.available_cash_cents(),
          account.frozen_cash_cents,
          account.market_value_cents,
          account.cash_cents + account.market_value_cents,
          account.realized_pnl_cents,
          account.unrealized_pnl_cents,
          account.total_fees_cents,
          account.created_at,
          account.updated_at};
}

const std::vector<std::string> kPositionColumns = {
    "account_id",      "symbol",       "quantity",   "available_quantity",
    "frozen_quantity", "avg_cost",     "last_price", "market_value",
    "unrealized_pnl",  "realized_pnl", "opened_at",  "updated_at"};

std::vector<Cell> position_cells(const Position& position) {
  return {position.account_id,
          position.symbol,
          position.quantity,
          position.available_quantity,
          position.frozen_quantity,
          position.avg_cost,
          cell_of(position.last_price_mils),
          position.market_value_cents,
          position.market_value_cents - position.cost_cents(),
          position.realized_pnl_cents,
          position.opened_at,
          position.updated_at};
}

}  // namespace

bool Order::working() const {
  return status == "pending_new" || status == "new" || status == "partially_filled";
}

std::vector<Order> orders_of(const RecordBatch& rows) {
  std::vector<Order> orders;
  orders.reserve(rows.num_rows());
  for (size_t row = 0; row < rows.num_rows(); ++row) {
    Order order;
    order.order_id = string_at(rows, "order_id", row);
    order.client_order_id = optional_string(rows, "client_order_id", row);
    order.account_id = string_at(rows, "account_id", row);
    order.symbol = string_at(rows, "symbol", row);
    order.side = string_at(rows, "side", row);
    order.order_type = string_at(rows, "order_type", row);
    order.status = string_at(rows, "status", row);
    order.price_mils = optional_int64(rows, "price", row);
    order.quantity = int64_at(rows, "quantity", row);
    order.filled_quantity = int64_at(rows, "filled_quantity", row);
    order.avg_fill_price = optional_int64(rows, "avg_fill_price", row);
    order.frozen_cash_cents = int64_at(rows, "frozen_cash", row);
    order.commission_cents = int64_at(rows, "commission", row);
    order.trade_date = rows.column("trade_date")->as<int32_t>()[row];
    order.created_at = int64_at(rows, "created_at", row);
    order.updated_at = int64_at(rows, "updated_at", row);
    orders.push_back(std::move(order));
  }
  return orders;
}

Result<std::vector<Order>> read_orders(storage::RelationalOps& ops,
                                       std::vector<storage::Filter> filters) {
  Result<RecordBatch> rows =
      ops.query(kOrdersTable, {.filters = std::move(filters),
                               .order_by = {{"created_at", storage::SortOrder::kAscending}}});
  if (!rows.is_ok()) return rows.status();
  return orders_of(*rows);
}

Status write_order(storage::RelationalOps& ops, const storage::TableCatalog& catalog,
                   const Order& order) {
  return upsert(ops, catalog, kOrdersTable, kOrderColumns, {order_cells(order)});
}

Result<RecordBatch> order_batch(const storage::TableCatalog& catalog, const Order& order) {
  return make_rows(**catalog.find(kOrdersTable), kOrderColumns, {order_cells(order)});
}

Result<std::optional<Account>> read_account(storage::RelationalOps& ops, const std::string& user) {
  Result<RecordBatch> rows =
      ops.query(kAccountsTable, {.filters = {storage::eq("account_id", user)}, .limit = 1});
  if (!rows.is_ok()) return rows.status();
  if (rows->num_rows() == 0) return std::optional<Account>();
  Account account;
  account.account_id = user;
  account.initial_capital_cents = int64_at(*rows, "initial_capital", 0);
  account.cash_cents = int64_at(*rows, "cash", 0);
  account.frozen_cash_cents = int64_at(*rows, "frozen_cash", 0);
  account.market_value_cents = int64_at(*rows, "market_value", 0);
  account.realized_pnl_cents = int64_at(*rows, "realized_pnl", 0);
  account.unrealized_pnl_cents = int64_at(*rows, "unrealized_pnl", 0);
  account.total_fees_cents = int64_at(*rows, "total_fees", 0);
  account.created_at = int64_at(*rows, "created_at", 0);
  account.updated_at = int64_at(*rows, "updated_at", 0);
  return std::optional<Account>(std::move(account));
}

Status write_account(storage::RelationalOps& ops, const storage::TableCatalog& catalog,
                     const Account& account) {
  return upsert(ops, catalog, kAccountsTable, kAccountColumns, {account_cells(account)});
}

Result<RecordBatch> account_batch(const storage::TableCatalog& catalog, const Account& account) {
  return make_rows(**catalog.find(kAccountsTable), kAccountColumns, {account_cells(account)});
}

Result<std::vector<Position>> read_positions(storage::RelationalOps& ops, const std::string& user,
                                             const std::string& symbol) {
  std::vector<storage::Filter> filters = {storage::eq("account_id", user)};
  if (!symbol.empty()) filters.push_back(storage::eq("symbol", symbol));
  Result<RecordBatch> rows = ops.query(
      kPositionsTable,
      {.filters = std::move(filters), .order_by = {{"symbol", storage::SortOrder::kAscending}}});
  if (!rows.is_ok()) return rows.status();
  std::vector<Position> positions;
  for (size_t row = 0; row < rows->num_rows(); ++row) {
    Position position;
    position.account_id = user;
    position.symbol = string_at(*rows, "symbol", row);
    position.quantity = int64_at(*rows, "quantity", row);
    position.available_quantity = int64_at(*rows, "available_quantity", row);
    position.frozen_quantity = int64_at(*rows, "frozen_quantity", row);
    position.avg_cost = int64_at(*rows, "avg_cost", row);
    position.last_price_mils = optional_int64(*rows, "last_price", row);
    position.market_value_cents = optional_int64(*rows, "market_value", row).value_or(0);
    position.realized_pnl_cents = int64_at(*rows, "realized_pnl", row);
    position.opened_at = int64_at(*rows, "opened_at", row);
    position.updated_at = int64_at(*rows, "updated_at", row);
    positions.push_back(std::move(position));
  }
  return positions;
}

Status write_position(storage::RelationalOps& ops, const storage::TableCatalog& catalog,
                      const Position& position) {
  return upsert(ops, catalog, kPositionsTable, kPositionColumns, {position_cells(position)});
}

Result<RecordBatch> positions_batch(const storage::TableCatalog& catalog,
                                    const std::vector<Position>& positions) {
  std::vector<std::vector<Cell>> rows;
  rows.reserve(positions.size());
  for (const Position& position : positions) rows.push_back(position_cells(position));
  return make_rows(**catalog.find(kPositionsTable), kPositionColumns, rows);
}

Status write_trade(storage::RelationalOps& ops, const storage::TableCatalog& catalog,
                   const Trade& trade) {
  return upsert(ops, catalog, kTradesTable,
                {"trade_id", "order_id", "account_id", "symbol", "side", "price", "quantity",
                 "amount", "commission", "stamp_tax", "transfer_fee", "trade_time", "trade_date"},
                {{trade.trade_id, trade.order_id, trade.account_id, trade.symbol, trade.side,
                  trade.price_mils, trade.quantity, trade.amount_cents, trade.commission_cents,
                  trade.stamp_duty_cents, trade.transfer_fee_cents, trade.trade_time,
                  int64_t{trade.trade_date}}});
}

void roll_to(Position& position, int32_t today) {
  if (shanghai_date(position.updated_at).days < today) {
    position.available_quantity = position.quantity - position.frozen_quantity;
  }
}

}  // namespace mystocks::services::paper

// PaperBroker's matching half: a round takes the newest quote of each symbol and fills the
// working orders it crosses, one transaction per fill (see paper_broker.h).
#include <spdlog/spdlog.h>

#include "core/timestamp.h"
#include "services/paper_broker.h"
#include "services/table_rows.h"

namespace mystocks::services {

using paper::Account;
using paper::Order;
using paper::Position;

std::optional<int64_t> PaperBroker::fill_price(const Order& order, const Quote& quote) {
  // A quote older than the order was not seen by it: market orders take the next tick.
  if (quote.ts < order.created_at) return std::nullopt;
  const int64_t price = order.buy() ? quote.ask_mils.value_or(quote.last_mils)
                                    : quote.bid_mils.value_or(quote.last_mils);
  if (price <= 0) return std::nullopt;
  if (!order.price_mils) return price;  // market order
  if (order.buy() ? price <= *order.price_mils : price >= *order.price_mils) return price;
  return std::nullopt;
}

void PaperBroker::match_round() {
  std::map<std::string, Quote> quotes;
  {
    std::lock_guard lock(mutex_);
    quotes.swap(quotes_);
    round_queued_ = false;
    ++stats_.rounds;
  }
  LoadQuery query;
  query.filters = {storage::in(
      "status", {std::string("pending_new"), std::string("new"), std::string("partially_filled")})};
  Result<RecordBatch> rows = data_.load(paper::kOrdersTable, query);
  if (!rows.is_ok()) {
    spdlog::warn("paper broker: cannot read the working orders: {}", rows.status().to_string());
    std::lock_guard lock(mutex_);
    ++stats_.failures;
    return;
  }
  for (const Order& order : paper::orders_of(*rows)) {
    if (order.trade_date < today()) {
      Status ended = end_order(order.account_id, order.order_id, "expired", nullptr);
      if (!ended.is_ok() && ended.code() != ErrorCode::kFailedPrecondition) {
        spdlog::warn("paper broker: cannot expire order {}: {}", order.order_id, ended.to_string());
      }
      continue;
    }
    auto quote = quotes.find(order.symbol);
    if (quote == quotes.end() || !fill_price(order, quote->second)) continue;
    Status filled = fill(order.order_id, quote->second);
    std::lock_guard lock(mutex_);
    if (filled.is_ok()) {
      ++stats_.fills;
    } else {
      ++stats_.failures;
      spdlog::warn("paper broker: fill of order {} failed: {}", order.order_id, filled.to_string());
    }
  }
}

Status PaperBroker::revalue_account(storage::RelationalOps& ops, Account& account) {
  Result<std::vector<Position>> held = paper::read_positions(ops, account.account_id);
  if (!held.is_ok()) return held.status();
  account.market_value_cents = 0;
  account.unrealized_pnl_cents = 0;
  for (const Position& position : *held) {
    account.market_value_cents += position.market_value_cents;
    account.unrealized_pnl_cents += position.market_value_cents - position.cost_cents();
  }
  return Status::ok();
}

Status PaperBroker::fill(const std::string& order_id, const Quote& quote) {
  return data_.transaction([&](storage::RelationalOps& ops) -> Status {
    // Read again inside the transaction: a cancel that ran first leaves nothing to fill.
    Result<std::vector<Order>> found = paper::read_orders(ops, {storage::eq("order_id", order_id)});
    if (!found.is_ok()) return found.status();
    if (found->empty() || !found->front().working()) return Status::ok();
    Order order = found->front();
    const std::optional<int64_t> price = fill_price(order, quote);
    if (!price) return Status::ok();
    const int64_t quantity = order.quantity - order.filled_quantity;
    const int64_t amount = trade_amount_cents(*price, quantity);
    const TradeFees fees = trade_fees(options_.fees, !order.buy(), amount);
    const int64_t now = clock_.now_ms();

    Result<std::optional<Account>> stored = paper::read_account(ops, order.account_id);
    if (!stored.is_ok()) return stored.status();
    if (!*stored) {
      return Status(ErrorCode::kInternal, fmt::format("order {} has no account", order_id));
    }
    Account account = std::move(**stored);
    Result<std::vector<Position>> held = paper::read_positions(ops, order.account_id, order.symbol);
    if (!held.is_ok()) return held.status();
    Position position = held->empty() ? Position{.account_id = order.account_id,
                                                 .symbol = order.symbol,
                                                 .opened_at = quote.ts,
                                                 .updated_at = now}
                                      : held->front();
    paper::roll_to(position, today());
    if (order.buy()) {
      const int64_t cost = amount + fees.total_cents();
      if (cost > order.frozen_cash_cents + account.available_cash_cents()) {
        return Status(
            ErrorCode::kFailedPrecondition,
            fmt::format("order {} costs more than its reserve and the free cash", order_id));
      }
      account.frozen_cash_cents -= order.frozen_cash_cents;
      account.cash_cents -= cost;
      const int64_t held_cost = position.avg_cost * position.quantity + cost * 100;
      position.quantity += quantity;  // not available before the next trading day (T+1)
      position.avg_cost = (held_cost + position.quantity / 2) / position.quantity;
    } else {
      if (position.frozen_quantity < quantity) {
        return Status(ErrorCode::kInternal,
                      fmt::format("order {} sells shares its position does not reserve", order_id));
      }
      const int64_t proceeds = amount - fees.total_cents();
      const int64_t realized = proceeds - (position.avg_cost * quantity + 50) / 100;
      account.cash_cents += proceeds;
      account.realized_pnl_cents += realized;
      position.realized_pnl_cents += realized;
      position.quantity -= quantity;
      position.frozen_quantity -= quantity;
    }
    position.last_price_mils = *price;
    position.market_value_cents = trade_amount_cents(*price, position.quantity);
    position.updated_at = now;
    account.total_fees_cents += fees.total_cents();
    account.updated_at = now;

    const paper::Trade trade{.trade_id = new_id("trd", clock_),
                             .order_id = order.order_id,
                             .account_id = order.account_id,
                             .symbol = order.symbol,
                             .side = order.side,
                             .price_mils = *price,
                             .quantity = quantity,
                             .amount_cents = amount,
                             .commission_cents = fees.commission_cents,
                             .stamp_duty_cents = fees.stamp_duty_cents,
                             .transfer_fee_cents = fees.transfer_fee_cents,
                             .trade_time = quote.ts,
                             .trade_date = shanghai_date(quote.ts).days};
    order.filled_quantity = order.quantity;
    order.avg_fill_price = *price * 10;
    order.frozen_cash_cents = 0;
    order.commission_cents += fees.commission_cents;
    order.status = "filled";
    order.updated_at = now;
    MYSTOCKS_RETURN_IF_ERROR(paper::write_trade(ops, catalog_, trade));
    MYSTOCKS_RETURN_IF_ERROR(paper::write_order(ops, catalog_, order));
    MYSTOCKS_RETURN_IF_ERROR(paper::write_position(ops, catalog_, position));
    MYSTOCKS_RETURN_IF_ERROR(revalue_account(ops, account));
    return paper::write_account(ops, catalog_, account);
  });
}

}  // namespace mystocks::services

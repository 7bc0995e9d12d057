#include "services/paper_broker.h"

#include <future>
#include <memory>

#include <spdlog/spdlog.h>

#include "core/decimal.h"
#include "core/thread_guard.h"
#include "core/timestamp.h"
#include "services/table_rows.h"

namespace mystocks::services {

using paper::Account;
using paper::Order;
using paper::Position;

namespace {

std::string yuan(int64_t cents) { return Decimal(cents, 2).to_string(); }

// The fields of `order` that differ from `ticket` (an idempotent retry must repeat them all).
std::vector<std::string> differing_fields(const Order& order, const OrderTicket& ticket) {
  std::vector<std::string> fields;
  if (order.symbol != ticket.symbol) fields.emplace_back("symbol");
  if (order.buy() != ticket.buy) fields.emplace_back("side");
  if ((order.order_type == "limit") != ticket.limit) fields.emplace_back("type");
  if (order.price_mils != ticket.price_mils) fields.emplace_back("price");
  if (order.quantity != ticket.quantity) fields.emplace_back("quantity");
  return fields;
}

}  // namespace

PaperBrokerOptions paper_broker_options(const PaperConfig& config) {
  return {.fees = {.commission_ppm = config.commission_ppm,
                   .commission_min_cents = config.commission_min_cents,
                   .stamp_duty_ppm = config.stamp_duty_ppm,
                   .transfer_fee_ppm = config.transfer_fee_ppm},
          .initial_cash_cents = config.initial_cash_yuan * 100};
}

PaperBroker::PaperBroker(DataManager& data, const Clock& clock, PaperBrokerOptions options)
    : data_(data), catalog_(data.catalog()), clock_(clock), options_(options) {
  worker_ = std::thread([this] { (void)run_thread("paper-broker", [this] { work(); }); });
  subscription_ = data_.subscribe([this](const DataChanged& event) {
    if (event.table == "realtime_quote" && event.batch != nullptr) on_quotes(*event.batch);
  });
}

PaperBroker::~PaperBroker() {
  data_.unsubscribe(subscription_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void PaperBroker::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

template <typename T>
Result<T> PaperBroker::run(std::function<Result<T>()> task) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  std::future<Result<T>> future = promise->get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Status(ErrorCode::kUnavailable, "the paper broker is shutting down");
    tasks_.push_back([promise, task = std::move(task)] { promise->set_value(task()); });
  }
  wake_.notify_one();
  return future.get();
}

void PaperBroker::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping with nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& error) {
      // A task that throws must not end matching for everyone: log it and go on.
      spdlog::error("paper broker: a task failed: {}", error.what());
    }
  }
}

void PaperBroker::flush() {
  (void)run<bool>([] { return Result<bool>(true); });
}

PaperMatchStats PaperBroker::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

int32_t PaperBroker::today() const { return shanghai_date(clock_.now_ms()).days; }

void PaperBroker::on_quotes(const RecordBatch& rows) {
  const Column* symbol = rows.column("symbol");
  const Column* ts = rows.column("ts");
  const Column* last = rows.column("last");
  if (symbol == nullptr || ts == nullptr || last == nullptr) return;
  const Column* bid = rows.column("bid1_price");
  const Column* ask = rows.column("ask1_price");
  auto price = [](const Column* column, size_t row) -> std::optional<int64_t> {
    if (column == nullptr || column->is_null(row)) return std::nullopt;
    return column->as<int64_t>()[row];
  };
  bool schedule = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    for (size_t row = 0; row < rows.num_rows(); ++row) {
      if (last->is_null(row)) continue;
      quotes_[symbol->as<std::string>()[row]] = {ts->as<int64_t>()[row], last->as<int64_t>()[row],
                                                 price(bid, row), price(ask, row)};
    }
    stats_.quotes += static_cast<int64_t>(rows.num_rows());
    // One queued round at a time: quotes arriving meanwhile join it (the newest wins).
    if (!round_queued_ && !quotes_.empty()) {
      round_queued_ = true;
      tasks_.push_back([this] { match_round(); });
      schedule = true;
    }
  }
  if (schedule) wake_.notify_one();
}

Result<Account> PaperBroker::open_account(storage::RelationalOps& ops, const std::string& user) {
  Result<std::optional<Account>> found = paper::read_account(ops, user);
  if (!found.is_ok()) return found.status();
  if (*found) return std::move(**found);
  const int64_t now = clock_.now_ms();
  Account account{.account_id = user,
                  .initial_capital_cents = options_.initial_cash_cents,
                  .cash_cents = options_.initial_cash_cents,
                  .created_at = now,
                  .updated_at = now};
  MYSTOCKS_RETURN_IF_ERROR(paper::write_account(ops, catalog_, account));
  return account;
}

Status PaperBroker::reserve(storage::RelationalOps& ops, const OrderTicket& ticket, Order& order) {
  if (ticket.buy) {
    Result<Account> account = open_account(ops, ticket.user);
    if (!account.is_ok()) return account.status();
    const int64_t amount = trade_amount_cents(ticket.reserve_price_mils, ticket.quantity);
    const int64_t needed = amount + trade_fees(options_.fees, false, amount).total_cents();
    if (needed > account->available_cash_cents()) {
      return field_error(ErrorCode::kFailedPrecondition, "quantity",
                         "buying {} shares of {} needs {} yuan (price x quantity and fees) but "
                         "only {} yuan of cash are available",
                         ticket.quantity, ticket.symbol, yuan(needed),
                         yuan(account->available_cash_cents()));
    }
    account->frozen_cash_cents += needed;
    account->updated_at = order.created_at;
    order.frozen_cash_cents = needed;
    return paper::write_account(ops, catalog_, *account);
  }
  Result<std::vector<Position>> held = paper::read_positions(ops, ticket.user, ticket.symbol);
  if (!held.is_ok()) return held.status();
  if (held->empty() || held->front().quantity == 0) {
    return field_error(ErrorCode::kFailedPrecondition, "quantity",
                       "selling {} shares of {} violates rule no_short_selling: the account "
                       "holds none",
                       ticket.quantity, ticket.symbol);
  }
  Position& position = held->front();
  paper::roll_to(position, today());
  if (ticket.quantity > position.available_quantity) {
    const int64_t bought_today =
        position.quantity - position.frozen_quantity - position.available_quantity;
    return field_error(ErrorCode::kFailedPrecondition, "quantity",
                       "selling {} shares of {} exceeds the {} sellable shares (held {}, "
                       "reserved by open sells {}, bought today and sellable from the next "
                       "trading day under rule t_plus_one {})",
                       ticket.quantity, ticket.symbol, position.available_quantity,
                       position.quantity, position.frozen_quantity, bought_today);
  }
  position.available_quantity -= ticket.quantity;
  position.frozen_quantity += ticket.quantity;
  position.updated_at = order.created_at;
  return paper::write_position(ops, catalog_, position);
}

Result<PlacedOrder> PaperBroker::place(const OrderTicket& ticket) {
  return run<PlacedOrder>([this, &ticket]() -> Result<PlacedOrder> {
    const int64_t now = clock_.now_ms();
    Order order{.order_id = new_id("ord", clock_),
                .client_order_id = ticket.client_order_id,
                .account_id = ticket.user,
                .symbol = ticket.symbol,
                .side = ticket.buy ? "buy" : "sell",
                .order_type = ticket.limit ? "limit" : "market",
                .status = "new",
                .price_mils = ticket.price_mils,
                .quantity = ticket.quantity,
                .trade_date = shanghai_date(now).days,
                .created_at = now,
                .updated_at = now};
    std::optional<Order> existing;
    Status stored = data_.transaction([&](storage::RelationalOps& ops) -> Status {
      existing.reset();
      order.frozen_cash_cents = 0;
      if (!ticket.client_order_id.empty()) {
        Result<std::vector<Order>> found =
            paper::read_orders(ops, {storage::eq("account_id", ticket.user),
                                     storage::eq("client_order_id", ticket.client_order_id)});
        if (!found.is_ok()) return found.status();
        if (!found->empty()) {
          existing = found->front();
          return Status::ok();
        }
      }
      MYSTOCKS_RETURN_IF_ERROR(reserve(ops, ticket, order));
      return paper::write_order(ops, catalog_, order);
    });
    if (!stored.is_ok()) return stored;
    if (existing) {
      if (std::vector<std::string> fields = differing_fields(*existing, ticket); !fields.empty()) {
        return field_error(ErrorCode::kAlreadyExists, "client_order_id",
                           "client_order_id '{}' belongs to order '{}', which differs in {}: "
                           "repeat the same fields to retry, or use a new client_order_id",
                           ticket.client_order_id, existing->order_id, fmt::join(fields, ", "));
      }
      Result<RecordBatch> row = paper::order_batch(catalog_, *existing);
      if (!row.is_ok()) return row.status();
      return PlacedOrder{std::move(*row), true};
    }
    Result<RecordBatch> row = paper::order_batch(catalog_, order);
    if (!row.is_ok()) return row.status();
    return PlacedOrder{std::move(*row), false};
  });
}

Status PaperBroker::release(storage::RelationalOps& ops, const Order& order, int64_t now) {
  if (order.buy()) {
    Result<std::optional<Account>> account = paper::read_account(ops, order.account_id);
    if (!account.is_ok()) return account.status();
    if (!*account || order.frozen_cash_cents == 0) return Status::ok();
    (*account)->frozen_cash_cents -= order.frozen_cash_cents;
    (*account)->updated_at = now;
    return paper::write_account(ops, catalog_, **account);
  }
  Result<std::vector<Position>> held = paper::read_positions(ops, order.account_id, order.symbol);
  if (!held.is_ok()) return held.status();
  if (held->empty()) return Status::ok();
  Position& position = held->front();
  const int64_t unfilled = order.quantity - order.filled_quantity;
  paper::roll_to(position, today());
  position.frozen_quantity -= unfilled;
  position.available_quantity += unfilled;
  position.updated_at = now;
  return paper::write_position(ops, catalog_, position);
}

Status PaperBroker::end_order(const std::string& user, const std::string& order_id,
                              const char* status, std::optional<RecordBatch>* ended) {
  return data_.transaction([&](storage::RelationalOps& ops) -> Status {
    Result<std::vector<Order>> found = paper::read_orders(
        ops, {storage::eq("order_id", order_id), storage::eq("account_id", user)});
    if (!found.is_ok()) return found.status();
    if (found->empty()) {
      return field_error(ErrorCode::kNotFound, "id", "no order '{}' for this user", order_id);
    }
    Order order = found->front();
    if (!order.working()) {
      return field_error(ErrorCode::kFailedPrecondition, "status",
                         "order '{}' is {} and can no longer be cancelled", order_id, order.status);
    }
    const int64_t now = clock_.now_ms();
    MYSTOCKS_RETURN_IF_ERROR(release(ops, order, now));
    order.status = status;
    order.frozen_cash_cents = 0;
    order.updated_at = now;
    MYSTOCKS_RETURN_IF_ERROR(paper::write_order(ops, catalog_, order));
    if (ended != nullptr) {
      Result<RecordBatch> row = paper::order_batch(catalog_, order);
      if (!row.is_ok()) return row.status();
      *ended = std::move(*row);
    }
    return Status::ok();
  });
}

Result<RecordBatch> PaperBroker::cancel(const std::string& user, const std::string& order_id) {
  return run<RecordBatch>([&]() -> Result<RecordBatch> {
    std::optional<RecordBatch> cancelled;
    MYSTOCKS_RETURN_IF_ERROR(end_order(user, order_id, "cancelled", &cancelled));
    return std::move(*cancelled);
  });
}

Status PaperBroker::expire_stale(const std::string& user) {
  const std::vector<storage::Filter> stale = {
      storage::eq("account_id", user),
      storage::in("status", {std::string("pending_new"), std::string("new"),
                             std::string("partially_filled")}),
      storage::cmp("trade_date", storage::FilterOp::kLt, int64_t{today()})};
  // The common case (nothing stale) costs one count and no trip to the worker.
  Result<int64_t> count = data_.count(paper::kOrdersTable, stale);
  if (!count.is_ok()) return count.status();
  if (*count == 0) return Status::ok();
  return run<bool>([&]() -> Result<bool> {
           LoadQuery query;
           query.filters = stale;
           Result<RecordBatch> rows = data_.load(paper::kOrdersTable, query);
           if (!rows.is_ok()) return rows.status();
           for (const Order& order : paper::orders_of(*rows)) {
             Status ended = end_order(user, order.order_id, "expired", nullptr);
             // Filled or cancelled meanwhile: nothing left to expire.
             if (!ended.is_ok() && ended.code() != ErrorCode::kFailedPrecondition) return ended;
           }
           return true;
         })
      .status();
}

Result<RecordBatch> PaperBroker::account(const std::string& user) {
  return run<RecordBatch>([&]() -> Result<RecordBatch> {
    std::optional<Account> account;
    MYSTOCKS_RETURN_IF_ERROR(data_.transaction([&](storage::RelationalOps& ops) -> Status {
      Result<Account> opened = open_account(ops, user);
      if (!opened.is_ok()) return opened.status();
      account = std::move(*opened);
      return Status::ok();
    }));
    return paper::account_batch(catalog_, *account);
  });
}

Result<RecordBatch> PaperBroker::positions(const std::string& user) {
  return run<RecordBatch>([&]() -> Result<RecordBatch> {
    std::vector<Position> held;
    MYSTOCKS_RETURN_IF_ERROR(data_.transaction([&](storage::RelationalOps& ops) -> Status {
      Result<std::vector<Position>> rows = paper::read_positions(ops, user);
      if (!rows.is_ok()) return rows.status();
      held = std::move(*rows);
      return Status::ok();
    }));
    for (Position& position : held) paper::roll_to(position, today());
    return paper::positions_batch(catalog_, held);
  });
}

}  // namespace mystocks::services

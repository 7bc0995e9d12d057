// PaperBroker: the paper-trading account keeper and matching engine, below the HTTP layer.
// It admits orders against the user's cash and positions (a buy reserves price x quantity plus
// its fees, a sell reserves shares; no short selling, T+1 for shares bought today), cancels and
// expires them (releasing what they reserved), and matches working orders against the live
// feed: the realtime_quote rows DataManager announces in DataChanged (never by polling). A buy
// fills at the ask (the last price when no ask is quoted) once it is at or below the limit, a
// sell at the bid once it is at or above it; a market order fills at the first quote after its
// admission. Orders fill whole. Each fill writes the trade, the order, the position and the
// account in one relational transaction.
// Concurrency: every change of the ledger (place, cancel, expire, fill) runs on the broker's own
// worker thread, one after another, so no order is filled twice or filled after its cancel,
// and no lock is held while the stores are called. The state lives only in the stores: a new
// broker over the same stores (a restart) resumes matching the working orders.
// Thread-safety: every public member may be called from any thread except the worker itself;
// the calls that change or read the ledger wait for the worker. The quote handler only copies
// the newest quote per symbol and wakes the worker.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/config.h"
#include "core/record_batch.h"
#include "core/status.h"
#include "services/data_manager.h"
#include "services/paper_fees.h"
#include "services/paper_ledger.h"

namespace mystocks::services {

struct PaperBrokerOptions {
  FeeSchedule fees;
  int64_t initial_cash_cents = 100'000'000;  // a new account's cash: 1,000,000 yuan
};

// An order the api layer has checked against the trading rules (symbol, lot, tick, band).
struct OrderTicket {
  std::string user;
  std::string symbol;  // canonical
  bool buy = true;
  bool limit = true;
  std::optional<int64_t> price_mils;  // limit orders only
  int64_t quantity = 0;
  std::string client_order_id;  // empty = none
  // The price a buy's cash reserve is computed at: its limit, or the limit-up price for a
  // market buy (the worst it can fill at).
  int64_t reserve_price_mils = 0;
};

struct PlacedOrder {
  RecordBatch order;      // the full orders row
  bool existing = false;  // an order with the same client_order_id and fields was returned
};

struct PaperMatchStats {
  int64_t quotes = 0;    // quotes received
  int64_t rounds = 0;    // matching rounds run
  int64_t fills = 0;     // orders filled
  int64_t failures = 0;  // fills that failed in the store (retried on the next quote)
};

// The options of the `paper` configuration section.
PaperBrokerOptions paper_broker_options(const PaperConfig& config);

class PaperBroker {
 public:
  PaperBroker(DataManager& data, const Clock& clock, PaperBrokerOptions options = {});
  ~PaperBroker();
  PaperBroker(const PaperBroker&) = delete;
  PaperBroker& operator=(const PaperBroker&) = delete;

  // Admits and stores an order (status new). A repeated client_order_id with the same fields
  // returns the stored order; with different fields it is ALREADY_EXISTS naming them.
  // FAILED_PRECONDITION on `quantity` when the cash or the sellable shares do not suffice.
  Result<PlacedOrder> place(const OrderTicket& ticket);
  // NOT_FOUND on `id` for another user's or an unknown order; FAILED_PRECONDITION on `status`
  // when it is no longer working. Returns the cancelled order row.
  Result<RecordBatch> cancel(const std::string& user, const std::string& order_id);
  // The user's working orders of an earlier trading date become expired.
  Status expire_stale(const std::string& user);
  // The user's account_funds row (opened with the initial cash on first use).
  Result<RecordBatch> account(const std::string& user);
  // The user's positions rows (T+1 availability as of today), by symbol.
  Result<RecordBatch> positions(const std::string& user);

  // realtime_quote rows (any thread): the newest quote per symbol is matched on the worker.
  void on_quotes(const RecordBatch& quotes);
  // Returns after everything queued before the call has run (tests and shutdown).
  void flush();
  PaperMatchStats stats() const;

 private:
  struct Quote {
    int64_t ts = 0;
    int64_t last_mils = 0;
    std::optional<int64_t> bid_mils;
    std::optional<int64_t> ask_mils;
  };

  template <typename T>
  Result<T> run(std::function<Result<T>()> task);
  void post(std::function<void()> task);
  void work();
  void match_round();
  // The price `order` fills at against `quote`, or nullopt when it does not fill.
  static std::optional<int64_t> fill_price(const paper::Order& order, const Quote& quote);
  Status fill(const std::string& order_id, const Quote& quote);
  Status end_order(const std::string& user, const std::string& order_id, const char* status,
                   std::optional<RecordBatch>* ended);
  Result<paper::Account> open_account(storage::RelationalOps& ops, const std::string& user);
  Status reserve(storage::RelationalOps& ops, const OrderTicket& ticket, paper::Order& order);
  Status release(storage::RelationalOps& ops, const paper::Order& order, int64_t now);
  Status revalue_account(storage::RelationalOps& ops, paper::Account& account);
  int32_t today() const;

  DataManager& data_;
  const storage::TableCatalog& catalog_;
  const Clock& clock_;
  const PaperBrokerOptions options_;
  SubscriptionId subscription_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;  // GUARDED_BY(mutex_)
  std::map<std::string, Quote> quotes_;      // GUARDED_BY(mutex_): newest per symbol, unmatched
  bool round_queued_ = false;                // GUARDED_BY(mutex_)
  bool stopping_ = false;                    // GUARDED_BY(mutex_)
  PaperMatchStats stats_;                    // GUARDED_BY(mutex_)
  std::thread worker_;
};

}  // namespace mystocks::services

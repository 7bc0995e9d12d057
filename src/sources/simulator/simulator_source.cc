#include "sources/simulator/simulator_source.h"

#include <algorithm>

#include "sources/simulator/simulator_rows.h"
#include "sources/table_writer.h"

namespace mystocks::sources {
namespace {

// Today's daily bar while its session trades: what has traded by the snapshot (open, high, low,
// volume and amount so far, the last price as close); nullopt before the opening match, when
// nothing has traded. The bar is provisional (services/provisional_bars.h).
std::optional<MinuteBar> bar_so_far(const std::optional<Snapshot>& snapshot) {
  if (!snapshot || snapshot->open == 0) return std::nullopt;
  MinuteBar bar;
  bar.open = snapshot->open;
  bar.high = snapshot->high;
  bar.low = snapshot->low;
  bar.close = snapshot->last;
  bar.volume = snapshot->volume;
  bar.amount = snapshot->amount;
  bar.trades = snapshot->trades;
  return bar;
}

Result<const storage::TableSchema*> table_of(const storage::TableCatalog& catalog,
                                             std::string_view name) {
  Result<const storage::TableSchema*> table = catalog.find(name);
  if (!table.is_ok()) return table.status().with_context("simulator source");
  return table;
}

}  // namespace

Result<std::unique_ptr<SimulatorSource>> SimulatorSource::create(
    std::string name, SimulatorOptions options,
    std::shared_ptr<const storage::TableCatalog> catalog, const Clock& clock, int64_t max_rows) {
  if (options.symbol_count < 1 || options.symbol_count > 20000) {
    return field_error(ErrorCode::kInvalidConfig, "sources.simulator_symbols",
                       "simulator '{}': symbol count {} is outside 1..20000", name,
                       options.symbol_count);
  }
  Tables tables;
  struct Wanted {
    const storage::TableSchema** slot;
    std::string_view table;
    std::span<const std::string_view> filled;
  };
  static constexpr std::string_view kSymbolsFilled[] = {
      "symbol",   "name",  "exchange",     "board",        "security_type",
      "industry", "area",  "full_name",    "list_date",    "status",
      "is_st",    "is_hs", "total_shares", "float_shares", "updated_at"};
  static constexpr std::string_view kConstituentsFilled[] = {"index_symbol", "trade_date", "symbol",
                                                             "weight"};
  static constexpr std::string_view kCalendarFilled[] = {"exchange", "trade_date", "is_open",
                                                         "pre_trade_date"};
  static constexpr std::string_view kFundamentalsFilled[] = {"symbol",
                                                             "report_date",
                                                             "period_type",
                                                             "ann_date",
                                                             "revenue",
                                                             "operating_profit",
                                                             "total_profit",
                                                             "net_profit",
                                                             "net_profit_attr",
                                                             "net_profit_deducted",
                                                             "total_assets",
                                                             "total_liabilities",
                                                             "total_equity",
                                                             "operating_cash_flow",
                                                             "eps",
                                                             "bps",
                                                             "roe",
                                                             "roa",
                                                             "gross_margin",
                                                             "net_margin",
                                                             "debt_to_assets",
                                                             "current_ratio",
                                                             "revenue_yoy",
                                                             "net_profit_yoy",
                                                             "updated_at"};
  static constexpr std::string_view kFundFlowFilled[] = {"symbol",
                                                         "trade_date",
                                                         "buy_small_amount",
                                                         "sell_small_amount",
                                                         "buy_medium_amount",
                                                         "sell_medium_amount",
                                                         "buy_large_amount",
                                                         "sell_large_amount",
                                                         "buy_xlarge_amount",
                                                         "sell_xlarge_amount",
                                                         "main_net_inflow",
                                                         "main_net_pct",
                                                         "net_inflow",
                                                         "source"};
  const Wanted wanted[] = {
      {&tables.daily, "daily_kline", daily_bar_filled_columns()},
      {&tables.minute, "minute_kline", minute_bar_filled_columns()},
      {&tables.tick, "tick", tick_filled_columns()},
      {&tables.quote, "realtime_quote", quote_filled_columns()},
      {&tables.symbols, "symbols", kSymbolsFilled},
      {&tables.constituents, "index_constituents", kConstituentsFilled},
      {&tables.calendar, "trade_calendar", kCalendarFilled},
      {&tables.fundamentals, "fundamentals", kFundamentalsFilled},
      {&tables.fund_flow, "fund_flow", kFundFlowFilled},
  };
  for (const Wanted& entry : wanted) {
    Result<const storage::TableSchema*> table = table_of(*catalog, entry.table);
    if (!table.is_ok()) return table.status();
    MYSTOCKS_RETURN_IF_ERROR(
        TableWriter(**table).require_fillable(entry.filled, "the simulator source"));
    *entry.slot = *table;
  }
  auto simulator = std::make_shared<const MarketSimulator>(options);
  return std::unique_ptr<SimulatorSource>(new SimulatorSource(
      std::move(name), std::move(simulator), std::move(catalog), tables, clock, max_rows));
}

SimulatorSource::SimulatorSource(std::string name, std::shared_ptr<const MarketSimulator> simulator,
                                 std::shared_ptr<const storage::TableCatalog> catalog,
                                 Tables tables, const Clock& clock, int64_t max_rows)
    : name_(std::move(name)),
      simulator_(std::move(simulator)),
      catalog_(std::move(catalog)),
      tables_(tables),
      clock_(&clock),
      max_rows_(max_rows) {}

Date SimulatorSource::today() const { return shanghai_date(clock_->now_ms()); }

int SimulatorSource::completed_minutes(TimestampMs now) {
  const int current = trading_minute_index(now);
  if (current >= 0) return current;
  const Date date = shanghai_date(now);
  if (now < shanghai_time(date, 9, 30)) return 0;
  if (now < shanghai_time(date, 13, 0)) return kMinutes / 2;  // the lunch break
  return kMinutes;
}

SimulatorSource::OpenSession SimulatorSource::open_session() const {
  OpenSession session;
  session.now = clock_->now_ms();
  const Date date = shanghai_date(session.now);
  if (session.now < shanghai_time(date, 15, 0)) session.day = simulator_->calendar().day_index(date);
  return session;
}

Result<std::vector<uint32_t>> SimulatorSource::resolve_securities(const SourceRequest& request,
                                                                  DataType type) const {
  const Universe& universe = simulator_->universe();
  if (request.symbols.empty()) return universe.sorted_securities();
  std::vector<uint32_t> out;
  out.reserve(request.symbols.size());
  for (size_t position = 0; position < request.symbols.size(); ++position) {
    const Symbol& symbol = request.symbols[position];
    if (std::optional<uint32_t> found = universe.find_security(symbol)) {
      out.push_back(*found);
      continue;
    }
    const std::string field = "symbols[" + std::to_string(position) + "]";
    if (universe.find_index(symbol)) {
      return field_error(ErrorCode::kInvalidArgument, field,
                         "source '{}' {}: {} is an index; ask for index data instead", name_,
                         operation_name(type), symbol.to_string());
    }
    return field_error(ErrorCode::kNotFound, field,
                       "source '{}' {}: symbol {} is not in the simulated universe of {} symbols "
                       "(seed {}; list them with the symbols operation)",
                       name_, operation_name(type), symbol.to_string(),
                       universe.securities().size(), simulator_->seed());
  }
  // Rows come in symbol order whatever the request order; duplicates collapse.
  std::sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) {
    return universe.securities()[a].canonical < universe.securities()[b].canonical;
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::vector<uint32_t>> SimulatorSource::resolve_indices(const SourceRequest& request,
                                                               DataType type) const {
  const Universe& universe = simulator_->universe();
  std::vector<uint32_t> out;
  if (request.symbols.empty()) {
    for (uint32_t index = 0; index < universe.indices().size(); ++index) out.push_back(index);
  }
  for (size_t position = 0; position < request.symbols.size(); ++position) {
    const Symbol& symbol = request.symbols[position];
    std::optional<uint32_t> found = universe.find_index(symbol);
    if (!found) {
      std::string known;
      for (const IndexInfo& index : universe.indices()) {
        known += known.empty() ? "" : ", ";
        known += index.canonical;
      }
      return field_error(ErrorCode::kNotFound, "symbols[" + std::to_string(position) + "]",
                         "source '{}' {}: {} is not a simulated index (known: {})", name_,
                         operation_name(type), symbol.to_string(), known);
    }
    out.push_back(*found);
  }
  std::sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) {
    return universe.indices()[a].canonical < universe.indices()[b].canonical;
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<SimulatorSource::DayRange> SimulatorSource::day_range(const SourceRequest& request,
                                                             DataType type) const {
  MYSTOCKS_RETURN_IF_ERROR(check_date_range(*this, type, request));
  const TradingCalendar& calendar = simulator_->calendar();
  Status covered = calendar.check_covered(request.from, request.to);
  if (!covered.is_ok()) {
    return covered.with_context(fmt::format("source '{}' {}", name_, operation_name(type)));
  }
  DayRange range;
  range.first = calendar.lower_index(request.from);
  range.last = calendar.lower_index(Date{request.to.days + 1}) - 1;
  return range;
}

Status SimulatorSource::check_rows(int64_t estimate, DataType type) const {
  if (estimate <= max_rows_) return Status::ok();
  return error(ErrorCode::kInvalidArgument,
               "source '{}' {}: the request would produce about {} rows, more than the limit of {} "
               "per request: split it into fewer symbols or a shorter date range",
               name_, operation_name(type), estimate, max_rows_);
}

Result<RecordBatch> SimulatorSource::daily_bars(const SourceRequest& request) {
  Result<DayRange> range = day_range(request, DataType::kDaily);
  if (!range.is_ok()) return range.status();
  Result<std::vector<uint32_t>> securities = resolve_securities(request, DataType::kDaily);
  if (!securities.is_ok()) return securities.status();
  const int64_t estimate = static_cast<int64_t>(securities->size()) * range->count();
  MYSTOCKS_RETURN_IF_ERROR(check_rows(estimate, DataType::kDaily));

  TableWriter writer(*tables_.daily);
  writer.reserve(static_cast<size_t>(estimate));
  const DailyBarColumns columns(writer);
  const OpenSession session = open_session();
  const std::vector<MarketBridge> bridges = simulator_->bridges(range->first, range->last);
  std::vector<StockDay> days;
  for (uint32_t security : *securities) {
    if (range->count() == 0) break;
    const SecurityInfo& info = simulator_->universe().securities()[security];
    simulator_->stock_days(security, range->last, days);
    for (int day = range->first; day <= range->last; ++day) {
      if (!days[day].trading) continue;  // suspended or not yet listed: no row
      const DayPlan plan =
          simulator_->stock_plan(security, days[day], day, &bridges[day - range->first]);
      if (day == session.day) {
        const std::optional<MinuteBar> so_far =
            bar_so_far(simulator_->stock_ticks(plan, security).at(session.now));
        if (so_far) write_daily_bar(writer, columns, info.canonical, plan.date, plan.pre_close,
                                    *so_far, info.float_shares);
        continue;
      }
      write_daily_bar(writer, columns, info.canonical, plan.date, plan.pre_close, plan.daily(),
                      info.float_shares);
    }
  }
  return writer.finish();
}

Result<RecordBatch> SimulatorSource::index_daily_bars(const SourceRequest& request) {
  Result<DayRange> range = day_range(request, DataType::kIndexDaily);
  if (!range.is_ok()) return range.status();
  Result<std::vector<uint32_t>> indices = resolve_indices(request, DataType::kIndexDaily);
  if (!indices.is_ok()) return indices.status();
  TableWriter writer(*tables_.daily);
  const DailyBarColumns columns(writer);
  const OpenSession session = open_session();
  const std::vector<MarketBridge> bridges = simulator_->bridges(range->first, range->last);
  for (uint32_t index : *indices) {
    if (range->count() == 0) break;
    const IndexInfo& info = simulator_->universe().indices()[index];
    const std::vector<IndexDay> days = simulator_->index_days(index, range->last);
    for (int day = range->first; day <= range->last; ++day) {
      const DayPlan plan =
          simulator_->index_plan(index, days[day], day, &bridges[day - range->first]);
      if (day == session.day) {
        const std::optional<MinuteBar> so_far =
            bar_so_far(simulator_->index_ticks(plan, index).at(session.now));
        if (so_far) write_daily_bar(writer, columns, info.canonical, plan.date, plan.pre_close,
                                    *so_far, std::nullopt);
        continue;
      }
      write_daily_bar(writer, columns, info.canonical, plan.date, plan.pre_close, plan.daily(),
                      std::nullopt);
    }
  }
  return writer.finish();
}

Result<RecordBatch> SimulatorSource::minute_bars(const SourceRequest& request) {
  Result<DayRange> range = day_range(request, DataType::kMinute);
  if (!range.is_ok()) return range.status();
  // Minute bars exist for securities and indices alike: split the request by kind.
  SourceRequest stocks = request;
  SourceRequest indices = request;
  stocks.symbols.clear();
  indices.symbols.clear();
  for (const Symbol& symbol : request.symbols) {
    (simulator_->universe().find_index(symbol) ? indices : stocks).symbols.push_back(symbol);
  }
  Result<std::vector<uint32_t>> securities = resolve_securities(stocks, DataType::kMinute);
  if (!securities.is_ok()) return securities.status();
  std::vector<uint32_t> index_list;
  if (!indices.symbols.empty()) {
    Result<std::vector<uint32_t>> resolved = resolve_indices(indices, DataType::kMinute);
    if (!resolved.is_ok()) return resolved.status();
    index_list = *resolved;
  }
  if (!request.symbols.empty() && stocks.symbols.empty()) securities->clear();
  const int width = interval_minutes(request.interval);
  const int bars_per_day = kMinutes / width;
  const int64_t estimate =
      static_cast<int64_t>(securities->size() + index_list.size()) * range->count() * bars_per_day;
  MYSTOCKS_RETURN_IF_ERROR(check_rows(estimate, DataType::kMinute));

  TableWriter writer(*tables_.minute);
  writer.reserve(static_cast<size_t>(estimate));
  const MinuteBarColumns columns(writer);
  const std::string_view frequency = interval_name(request.interval);
  // On the open session's day only the bars whose minutes have all passed on the market clock:
  // a minute that has not happened yet has no bar (the live feed serves the forming one).
  const OpenSession session = open_session();
  const int minutes_done = session.day >= 0 ? completed_minutes(session.now) : kMinutes;
  auto write_plan = [&](const std::string& symbol, const DayPlan& plan, int day) {
    const int limit = day == session.day ? minutes_done : kMinutes;
    for (int first = 0; first + width <= limit; first += width) {
      write_minute_bar(writer, columns, symbol, frequency, trading_minute_start(plan.date, first),
                       aggregate_minutes(plan, first, width));
    }
  };
  // Indices sort before or among securities by symbol; emit everything in symbol order.
  struct Item {
    const std::string* symbol;
    bool is_index;
    uint32_t id;
  };
  std::vector<Item> items;
  for (uint32_t security : *securities) {
    items.push_back({&simulator_->universe().securities()[security].canonical, false, security});
  }
  for (uint32_t index : index_list) {
    items.push_back({&simulator_->universe().indices()[index].canonical, true, index});
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return *a.symbol < *b.symbol; });
  const std::vector<MarketBridge> bridges = simulator_->bridges(range->first, range->last);
  std::vector<StockDay> days;
  for (const Item& item : items) {
    if (range->count() == 0) break;
    if (item.is_index) {
      const std::vector<IndexDay> index_days = simulator_->index_days(item.id, range->last);
      for (int day = range->first; day <= range->last; ++day) {
        write_plan(
            *item.symbol,
            simulator_->index_plan(item.id, index_days[day], day, &bridges[day - range->first]),
            day);
      }
      continue;
    }
    simulator_->stock_days(item.id, range->last, days);
    for (int day = range->first; day <= range->last; ++day) {
      if (!days[day].trading) continue;
      write_plan(*item.symbol,
                 simulator_->stock_plan(item.id, days[day], day, &bridges[day - range->first]),
                 day);
    }
  }
  return writer.finish();
}

Result<RecordBatch> SimulatorSource::ticks(const SourceRequest& request) {
  Result<DayRange> range = day_range(request, DataType::kTick);
  if (!range.is_ok()) return range.status();
  Result<std::vector<uint32_t>> securities = resolve_securities(request, DataType::kTick);
  if (!securities.is_ok()) return securities.status();
  constexpr int64_t snapshots_per_day = kAuctionSnapshots + kMinutes * kSnapshotsPerMinute;
  const int64_t estimate =
      static_cast<int64_t>(securities->size()) * range->count() * snapshots_per_day;
  MYSTOCKS_RETURN_IF_ERROR(check_rows(estimate, DataType::kTick));

  TableWriter writer(*tables_.tick);
  writer.reserve(static_cast<size_t>(estimate));
  const TickColumns columns(writer);
  const std::vector<MarketBridge> bridges = simulator_->bridges(range->first, range->last);
  std::vector<StockDay> days;
  std::vector<Snapshot> snapshots;
  for (uint32_t security : *securities) {
    if (range->count() == 0) break;
    const SecurityInfo& info = simulator_->universe().securities()[security];
    const std::string_view exchange = exchange_name(info.symbol.exchange());
    simulator_->stock_days(security, range->last, days);
    for (int day = range->first; day <= range->last; ++day) {
      if (!days[day].trading) continue;  // suspended: the exchange publishes no snapshots
      const DayPlan plan =
          simulator_->stock_plan(security, days[day], day, &bridges[day - range->first]);
      snapshots.clear();
      simulator_->stock_ticks(plan, security).day(snapshots);
      for (const Snapshot& snapshot : snapshots) {
        write_tick(writer, columns, info.canonical, exchange, plan.pre_close, snapshot);
      }
    }
  }
  return writer.finish();
}

Result<RecordBatch> SimulatorSource::realtime_quotes(const SourceRequest& request) {
  const TimestampMs now = clock_->now_ms();
  const Date date = shanghai_date(now);
  const TradingCalendar& calendar = simulator_->calendar();
  Status covered = calendar.check_covered(date, date);
  if (!covered.is_ok()) {
    return covered.with_context(fmt::format("source '{}' realtime_quotes", name_));
  }
  // Today's session if the market trades today, else the last session before it (whose
  // closing snapshot is then the quote).
  int day = calendar.day_index(date);
  if (day < 0) {
    day = calendar.lower_index(date) - 1;
    if (day < 0)
      return error(ErrorCode::kOutOfRange,
                   "source '{}' realtime_quotes: no session "
                   "before {}",
                   name_, date.to_string());
  }
  SourceRequest stocks = request;
  SourceRequest indices = request;
  stocks.symbols.clear();
  indices.symbols.clear();
  for (const Symbol& symbol : request.symbols) {
    (simulator_->universe().find_index(symbol) ? indices : stocks).symbols.push_back(symbol);
  }
  Result<std::vector<uint32_t>> securities = resolve_securities(stocks, DataType::kRealtimeQuotes);
  if (!securities.is_ok()) return securities.status();
  if (!request.symbols.empty() && stocks.symbols.empty()) securities->clear();
  std::vector<uint32_t> index_list;
  if (!indices.symbols.empty()) {
    Result<std::vector<uint32_t>> resolved = resolve_indices(indices, DataType::kRealtimeQuotes);
    if (!resolved.is_ok()) return resolved.status();
    index_list = *resolved;
  }
  MYSTOCKS_RETURN_IF_ERROR(check_rows(static_cast<int64_t>(securities->size() + index_list.size()),
                                      DataType::kRealtimeQuotes));

  TableWriter writer(*tables_.quote);
  const QuoteColumns columns(writer);
  // Before 09:15, and all day while suspended, the quote is the previous close, nothing traded.
  auto idle = [&](int64_t pre_close) {
    Snapshot snapshot;
    snapshot.ts = now;
    snapshot.last = pre_close;
    return snapshot;
  };
  std::vector<StockDay> days;
  for (uint32_t security : *securities) {
    const SecurityInfo& info = simulator_->universe().securities()[security];
    simulator_->stock_days(security, day, days);
    const StockDay& session = days[day];
    std::optional<Snapshot> snapshot;
    if (session.trading) {
      const DayPlan plan = simulator_->stock_plan(security, session, day);
      snapshot = simulator_->stock_ticks(plan, security).at(now);
    }
    write_quote(writer, columns, info.canonical, session.pre_close,
                snapshot.value_or(idle(session.pre_close)), session.limits, info.float_shares);
  }
  for (uint32_t index : index_list) {
    const IndexInfo& info = simulator_->universe().indices()[index];
    const std::vector<IndexDay> index_days = simulator_->index_days(index, day);
    const DayPlan plan = simulator_->index_plan(index, index_days[day], day);
    const std::optional<Snapshot> snapshot = simulator_->index_ticks(plan, index).at(now);
    write_quote(writer, columns, info.canonical, plan.pre_close,
                snapshot.value_or(idle(plan.pre_close)), std::nullopt, std::nullopt);
  }
  return writer.finish();
}

}  // namespace mystocks::sources

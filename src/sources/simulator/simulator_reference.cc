// SimulatorSource's reference and fundamental data: securities master, index constituents,
// trading calendar, financial statements and fund flow (the price data is in
// simulator_source.cc).
#include <algorithm>
#include <cmath>

#include "sources/simulator/random.h"
#include "sources/simulator/simulator_source.h"
#include "sources/table_writer.h"

namespace mystocks::sources {
namespace {

std::string_view index_board(const IndexInfo& index) {
  if (index.canonical == "399006.SZ") return board_name(Board::kChiNext);
  if (index.canonical == "000688.SH") return board_name(Board::kStar);
  if (index.symbol.exchange() == Exchange::kBJ) return board_name(Board::kBse);
  return board_name(Board::kMain);
}

struct Period {
  std::string_view type;
  unsigned month;
  unsigned day;
  double share;  // cumulative share of the year's flows (Chinese reports are year to date)
};

constexpr Period kPeriods[] = {
    {"Q1", 3, 31, 0.22}, {"H1", 6, 30, 0.47}, {"Q3", 9, 30, 0.72}, {"FY", 12, 31, 1.0}};

// Announcement deadlines: Q1 by April 30, H1 by August 31, Q3 by October 31, FY by April 30.
Date announcement_date(int year, const Period& period, Rng& rng) {
  if (period.type == "Q1")
    return Date::from_ymd(year, 4, static_cast<unsigned>(rng.uniform_int(15, 30)));
  if (period.type == "H1")
    return Date::from_ymd(year, 8, static_cast<unsigned>(rng.uniform_int(10, 31)));
  if (period.type == "Q3")
    return Date::from_ymd(year, 10, static_cast<unsigned>(rng.uniform_int(15, 31)));
  return Date{Date::from_ymd(year + 1, 3, 20).days + static_cast<int32_t>(rng.uniform_int(0, 41))};
}

// One year of a company's accounts, drawn from its own stream per year.
struct YearAccounts {
  double revenue = 0.0;
  double net_margin = 0.0;
  double gross_margin = 0.0;
  double assets_to_revenue = 0.0;
  double debt_ratio = 0.0;
  double current_ratio = 0.0;
  double cash_conversion = 0.0;
};

YearAccounts accounts_for(const SecurityInfo& security, uint32_t index, uint64_t seed, int year) {
  Rng company(seed, Stream::kFundamentals, index);
  const double price_to_sales = 0.4 + 2.6 * company.uniform();
  const double base_margin = -0.03 + 0.25 * company.uniform();
  const double leverage = 0.2 + 0.55 * company.uniform();
  const double asset_intensity = 1.0 + 3.0 * company.uniform();
  double revenue = static_cast<double>(security.total_shares) *
                   static_cast<double>(security.initial_price) / 100.0 / price_to_sales;
  YearAccounts accounts;
  for (int y = 2018; y <= year; ++y) {
    Rng yearly(seed, Stream::kFundamentals, index, static_cast<uint64_t>(y));
    revenue *= 1.0 + 0.08 + 0.15 * yearly.normal();
    revenue = std::max(revenue, 1e6);
    accounts.revenue = revenue;
    accounts.net_margin = base_margin + 0.03 * yearly.normal();
    accounts.gross_margin =
        std::clamp(accounts.net_margin + 0.15 + 0.2 * yearly.uniform(), 0.02, 0.9);
    accounts.assets_to_revenue = asset_intensity * (0.9 + 0.2 * yearly.uniform());
    accounts.debt_ratio = std::clamp(leverage + 0.05 * yearly.normal(), 0.05, 0.95);
    accounts.current_ratio = 0.8 + 2.2 * yearly.uniform();
    accounts.cash_conversion = 0.6 + 0.8 * yearly.uniform();
  }
  return accounts;
}

}  // namespace

Result<RecordBatch> SimulatorSource::symbols(const SourceRequest& request) {
  SourceRequest stocks = request;
  SourceRequest indices = request;
  stocks.symbols.clear();
  indices.symbols.clear();
  for (const Symbol& symbol : request.symbols) {
    (simulator_->universe().find_index(symbol) ? indices : stocks).symbols.push_back(symbol);
  }
  Result<std::vector<uint32_t>> securities = resolve_securities(stocks, DataType::kSymbols);
  if (!securities.is_ok()) return securities.status();
  if (!request.symbols.empty() && stocks.symbols.empty()) securities->clear();
  std::vector<uint32_t> index_list;
  if (request.symbols.empty() || !indices.symbols.empty()) {
    Result<std::vector<uint32_t>> resolved = resolve_indices(indices, DataType::kSymbols);
    if (!resolved.is_ok()) return resolved.status();
    index_list = *resolved;
  }

  TableWriter writer(*tables_.symbols);
  const int symbol = writer.column("symbol");
  const int name = writer.column("name");
  const int exchange = writer.column("exchange");
  const int board = writer.column("board");
  const int security_type = writer.column("security_type");
  const int industry = writer.column("industry");
  const int area = writer.column("area");
  const int full_name = writer.column("full_name");
  const int list_date = writer.column("list_date");
  const int status = writer.column("status");
  const int is_st = writer.column("is_st");
  const int is_hs = writer.column("is_hs");
  const int total_shares = writer.column("total_shares");
  const int float_shares = writer.column("float_shares");
  const int updated_at = writer.column("updated_at");
  const TimestampMs now = clock_->now_ms();
  const Date today = shanghai_date(now);
  struct Row {
    const std::string* symbol;
    bool is_index;
    uint32_t id;
  };
  std::vector<Row> rows;
  for (uint32_t id : *securities)
    rows.push_back({&simulator_->universe().securities()[id].canonical, false, id});
  for (uint32_t id : index_list)
    rows.push_back({&simulator_->universe().indices()[id].canonical, true, id});
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return *a.symbol < *b.symbol; });
  for (const Row& row : rows) {
    if (row.is_index) {
      const IndexInfo& info = simulator_->universe().indices()[row.id];
      writer.put_string(symbol, info.canonical);
      writer.put_string(name, info.name);
      writer.put_string(exchange, exchange_name(info.symbol.exchange()));
      writer.put_string(board, index_board(info));
      writer.put_string(security_type, "index");
      writer.put_string(full_name, info.full_name);
      writer.put_string(status, "L");
      writer.put_bool(is_st, false);
      writer.put_int64(updated_at, now);
      writer.end_row();
      continue;
    }
    const SecurityInfo& info = simulator_->universe().securities()[row.id];
    writer.put_string(symbol, info.canonical);
    writer.put_string(name, info.name);
    writer.put_string(exchange, exchange_name(info.symbol.exchange()));
    writer.put_string(board, board_name(info.board));
    writer.put_string(security_type, "stock");
    writer.put_string(industry, info.industry);
    writer.put_string(area, info.area);
    writer.put_string(full_name, info.full_name);
    writer.put_int32(list_date, info.list_date.days);
    // Shares whose listing date is still ahead are not listed yet (Tushare's "P" is closest).
    writer.put_string(status, info.list_date <= today ? "L" : "P");
    writer.put_bool(is_st, info.is_st);
    writer.put_string(is_hs, std::string_view(&info.is_hs, 1));
    writer.put_int64(total_shares, info.total_shares);
    writer.put_int64(float_shares, info.float_shares);
    writer.put_int64(updated_at, now);
    writer.end_row();
  }
  return writer.finish();
}

Result<RecordBatch> SimulatorSource::index_components(const SourceRequest& request) {
  Result<DayRange> range = day_range(request, DataType::kIndexComponents);
  if (!range.is_ok()) return range.status();
  Result<std::vector<uint32_t>> indices = resolve_indices(request, DataType::kIndexComponents);
  if (!indices.is_ok()) return indices.status();
  const TradingCalendar& calendar = simulator_->calendar();
  // Weights are published on the first trading day of each month; a range without one gets
  // the weights in force on its first day.
  std::vector<int> rebalance_days;
  const auto& trading_days = calendar.trading_days();
  for (int day = std::max(range->first, 0); day <= range->last; ++day) {
    if (day == 0 || trading_days[day].month() != trading_days[day - 1].month()) {
      rebalance_days.push_back(day);
    }
  }
  if (rebalance_days.empty()) {
    // The last trading day on or before the range's start, then back to its month's first.
    int day = std::min<int>(range->count() > 0 ? range->first : range->first - 1,
                            static_cast<int>(trading_days.size()) - 1);
    while (day > 0 && trading_days[day].month() == trading_days[day - 1].month()) --day;
    if (day >= 0) rebalance_days.push_back(day);
  }
  TableWriter writer(*tables_.constituents);
  const int index_symbol = writer.column("index_symbol");
  const int trade_date = writer.column("trade_date");
  const int symbol = writer.column("symbol");
  const int weight = writer.column("weight");
  if (rebalance_days.empty()) return writer.finish();
  const int last_day = *std::max_element(rebalance_days.begin(), rebalance_days.end());
  for (uint32_t index : *indices) {
    const IndexInfo& info = simulator_->universe().indices()[index];
    const std::vector<std::vector<StockDay>> member_days = simulator_->member_days(index, last_day);
    std::vector<uint32_t> order(info.members.size());
    for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return simulator_->universe().securities()[info.members[a]].canonical <
             simulator_->universe().securities()[info.members[b]].canonical;
    });
    for (int day : rebalance_days) {
      const std::vector<double> weights =
          member_weights(info, simulator_->universe(), calendar, member_days, day);
      for (uint32_t k : order) {
        if (weights[k] <= 0.0) continue;  // not listed yet
        writer.put_string(index_symbol, info.canonical);
        writer.put_int32(trade_date, trading_days[day].days);
        writer.put_string(symbol, simulator_->universe().securities()[info.members[k]].canonical);
        writer.put_double(weight, weights[k]);
        writer.end_row();
      }
    }
  }
  return writer.finish();
}

Result<RecordBatch> SimulatorSource::trade_calendar(const SourceRequest& request) {
  MYSTOCKS_RETURN_IF_ERROR(check_date_range(*this, DataType::kTradeCalendar, request));
  const TradingCalendar& calendar = simulator_->calendar();
  Status covered = calendar.check_covered(request.from, request.to);
  if (!covered.is_ok())
    return covered.with_context(fmt::format("source '{}' trade_calendar", name_));
  std::vector<Exchange> exchanges = {Exchange::kSH, Exchange::kSZ, Exchange::kBJ};
  if (request.exchange) exchanges = {*request.exchange};
  TableWriter writer(*tables_.calendar);
  const int exchange = writer.column("exchange");
  const int trade_date = writer.column("trade_date");
  const int is_open = writer.column("is_open");
  const int pre_trade_date = writer.column("pre_trade_date");
  for (Exchange which : exchanges) {
    for (int32_t days = request.from.days; days <= request.to.days; ++days) {
      const Date date{days};
      writer.put_string(exchange, exchange_name(which));
      writer.put_int32(trade_date, date.days);
      writer.put_bool(is_open, calendar.is_trading_day(date));
      if (std::optional<Date> previous = calendar.previous_trading_day(date)) {
        writer.put_int32(pre_trade_date, previous->days);
      }
      writer.end_row();
    }
  }
  return writer.finish();
}

Result<RecordBatch> SimulatorSource::fundamentals(const SourceRequest& request) {
  MYSTOCKS_RETURN_IF_ERROR(check_date_range(*this, DataType::kFundamentals, request));
  Result<std::vector<uint32_t>> securities = resolve_securities(request, DataType::kFundamentals);
  if (!securities.is_ok()) return securities.status();
  const int first_year = std::max(request.from.year(), 2019);
  const int last_year = std::min(request.to.year(), simulator_->calendar().last_date().year());
  MYSTOCKS_RETURN_IF_ERROR(check_rows(
      static_cast<int64_t>(securities->size()) * std::max(0, last_year - first_year + 1) * 4,
      DataType::kFundamentals));
  TableWriter writer(*tables_.fundamentals);
  auto column = [&](std::string_view name) { return writer.column(name); };
  const int symbol = column("symbol"), report_date = column("report_date"),
            period_type = column("period_type"), ann_date = column("ann_date"),
            revenue = column("revenue"), operating_profit = column("operating_profit"),
            total_profit = column("total_profit"), net_profit = column("net_profit"),
            net_profit_attr = column("net_profit_attr"),
            net_profit_deducted = column("net_profit_deducted"),
            total_assets = column("total_assets"), total_liabilities = column("total_liabilities"),
            total_equity = column("total_equity"),
            operating_cash_flow = column("operating_cash_flow"), eps = column("eps"),
            bps = column("bps"), roe = column("roe"), roa = column("roa"),
            gross_margin = column("gross_margin"), net_margin = column("net_margin"),
            debt_to_assets = column("debt_to_assets"), current_ratio = column("current_ratio"),
            revenue_yoy = column("revenue_yoy"), net_profit_yoy = column("net_profit_yoy"),
            updated_at = column("updated_at");
  const Date today = this->today();
  for (uint32_t security : *securities) {
    const SecurityInfo& info = simulator_->universe().securities()[security];
    const double shares = static_cast<double>(info.total_shares);
    for (int year = first_year; year <= last_year; ++year) {
      const YearAccounts current = accounts_for(info, security, simulator_->seed(), year);
      const YearAccounts previous = accounts_for(info, security, simulator_->seed(), year - 1);
      Rng announcements(simulator_->seed(), Stream::kFundamentals, security,
                        static_cast<uint64_t>(year), 1);
      for (const Period& period : kPeriods) {
        const Date end = Date::from_ymd(year, period.month, period.day);
        const Date announced = announcement_date(year, period, announcements);
        // Only reports already published by the source's today exist.
        if (end < request.from || end > request.to || announced > today) continue;
        const double sales = current.revenue * period.share;
        const double profit = sales * current.net_margin;
        const double previous_profit = previous.revenue * period.share * previous.net_margin;
        const double assets = current.revenue * current.assets_to_revenue;
        const double liabilities = assets * current.debt_ratio;
        const double equity = assets - liabilities;
        writer.put_string(symbol, info.canonical);
        writer.put_int32(report_date, end.days);
        writer.put_string(period_type, period.type);
        writer.put_int32(ann_date, announced.days);
        writer.put_decimal(revenue, sales);
        writer.put_decimal(operating_profit, profit * 1.25);
        writer.put_decimal(total_profit, profit * 1.2);
        writer.put_decimal(net_profit, profit);
        writer.put_decimal(net_profit_attr, profit * 0.95);
        writer.put_decimal(net_profit_deducted, profit * 0.95 * 0.92);
        writer.put_decimal(total_assets, assets);
        writer.put_decimal(total_liabilities, liabilities);
        writer.put_decimal(total_equity, equity);
        writer.put_decimal(operating_cash_flow, profit * current.cash_conversion);
        writer.put_decimal(eps, profit * 0.95 / shares);
        writer.put_decimal(bps, equity / shares);
        writer.put_double(roe, profit * 0.95 / equity * 100.0);
        writer.put_double(roa, profit / assets * 100.0);
        writer.put_double(gross_margin, current.gross_margin * 100.0);
        writer.put_double(net_margin, current.net_margin * 100.0);
        writer.put_double(debt_to_assets, current.debt_ratio * 100.0);
        writer.put_double(current_ratio, current.current_ratio);
        writer.put_double(revenue_yoy, (current.revenue / previous.revenue - 1.0) * 100.0);
        if (std::fabs(previous_profit) > 1.0) {
          writer.put_double(net_profit_yoy,
                            (profit - previous_profit) / std::fabs(previous_profit) * 100.0);
        }
        writer.put_int64(updated_at, shanghai_time(announced, 18, 0));
        writer.end_row();
      }
    }
  }
  return writer.finish();
}

Result<RecordBatch> SimulatorSource::fund_flow(const SourceRequest& request) {
  Result<DayRange> range = day_range(request, DataType::kFundFlow);
  if (!range.is_ok()) return range.status();
  Result<std::vector<uint32_t>> securities = resolve_securities(request, DataType::kFundFlow);
  if (!securities.is_ok()) return securities.status();
  MYSTOCKS_RETURN_IF_ERROR(
      check_rows(static_cast<int64_t>(securities->size()) * range->count(), DataType::kFundFlow));
  TableWriter writer(*tables_.fund_flow);
  const int symbol = writer.column("symbol");
  const int trade_date = writer.column("trade_date");
  const int buy[4] = {writer.column("buy_small_amount"), writer.column("buy_medium_amount"),
                      writer.column("buy_large_amount"), writer.column("buy_xlarge_amount")};
  const int sell[4] = {writer.column("sell_small_amount"), writer.column("sell_medium_amount"),
                       writer.column("sell_large_amount"), writer.column("sell_xlarge_amount")};
  const int main_net_inflow = writer.column("main_net_inflow");
  const int main_net_pct = writer.column("main_net_pct");
  const int net_inflow = writer.column("net_inflow");
  const int source = writer.column("source");
  const std::vector<MarketBridge> bridges = simulator_->bridges(range->first, range->last);
  std::vector<StockDay> days;
  for (uint32_t security : *securities) {
    if (range->count() == 0) break;
    const SecurityInfo& info = simulator_->universe().securities()[security];
    simulator_->stock_days(security, range->last, days);
    for (int day = range->first; day <= range->last; ++day) {
      if (!days[day].trading) continue;
      const MinuteBar bar =
          simulator_->stock_plan(security, days[day], day, &bridges[day - range->first]).daily();
      Rng rng(simulator_->seed(), Stream::kFundFlow, security, static_cast<uint64_t>(day));
      // Active buying leans with the day's move; buy and sell turnover add up to the amount.
      const double move = static_cast<double>(bar.close - days[day].pre_close) /
                          static_cast<double>(days[day].pre_close) * 100.0;
      const double buy_share =
          std::clamp(0.5 + 0.25 * std::tanh(move / 3.0) + 0.05 * rng.normal(), 0.1, 0.9);
      const int64_t buy_total = static_cast<int64_t>(static_cast<double>(bar.amount) * buy_share);
      const int64_t totals[2] = {buy_total, bar.amount - buy_total};
      int64_t sides[2][4] = {};
      for (int side = 0; side < 2; ++side) {
        const double shares[3] = {0.25 + 0.15 * rng.uniform(), 0.2 + 0.1 * rng.uniform(),
                                  0.15 + 0.1 * rng.uniform()};
        int64_t used = 0;
        for (int bucket = 0; bucket < 3; ++bucket) {
          sides[side][bucket] =
              static_cast<int64_t>(static_cast<double>(totals[side]) * shares[bucket]);
          used += sides[side][bucket];
        }
        sides[side][3] = totals[side] - used;
      }
      const int64_t main_net = sides[0][2] + sides[0][3] - sides[1][2] - sides[1][3];
      writer.put_string(symbol, info.canonical);
      writer.put_int32(trade_date, simulator_->calendar().trading_days()[day].days);
      for (int bucket = 0; bucket < 4; ++bucket) {
        writer.put_cents(buy[bucket], sides[0][bucket]);
        writer.put_cents(sell[bucket], sides[1][bucket]);
      }
      writer.put_cents(main_net_inflow, main_net);
      writer.put_double(main_net_pct, bar.amount > 0 ? static_cast<double>(main_net) * 100.0 /
                                                           static_cast<double>(bar.amount)
                                                     : 0.0);
      writer.put_cents(net_inflow, totals[0] - totals[1]);
      writer.put_string(source, "simulator");
      writer.end_row();
    }
  }
  return writer.finish();
}

}  // namespace mystocks::sources

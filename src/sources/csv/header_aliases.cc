#include "sources/csv/header_aliases.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace mystocks::sources {
namespace {

struct Alias {
  std::string_view header;  // lower-case ASCII or Chinese
  std::string_view column;
  int64_t multiplier;
  int rank;
  bool tushare_daily_only;
};

// Rank orders competing headers for one column: exchange-qualified codes beat bare ones.
constexpr Alias kAliases[] = {
    // identity
    {"ts_code", "symbol", 1, 0, false},
    {"con_code", "symbol", 1, 0, false},
    {"股票代码", "symbol", 1, 1, false},
    {"证券代码", "symbol", 1, 1, false},
    {"代码", "symbol", 1, 2, false},
    {"code", "symbol", 1, 2, false},
    {"index_code", "index_symbol", 1, 0, false},
    {"指数代码", "index_symbol", 1, 1, false},
    {"名称", "name", 1, 1, false},
    {"股票名称", "name", 1, 1, false},
    {"股票简称", "name", 1, 1, false},
    {"证券简称", "name", 1, 1, false},
    {"交易所", "exchange", 1, 1, false},
    {"行业", "industry", 1, 1, false},
    {"所属行业", "industry", 1, 1, false},
    {"地区", "area", 1, 1, false},
    {"地域", "area", 1, 1, false},
    {"fullname", "full_name", 1, 1, false},
    {"公司全称", "full_name", 1, 1, false},
    {"上市日期", "list_date", 1, 1, false},
    // time
    {"日期", "trade_date", 1, 1, false},
    {"交易日期", "trade_date", 1, 1, false},
    {"date", "trade_date", 1, 2, false},
    {"cal_date", "trade_date", 1, 1, false},
    {"end_date", "report_date", 1, 1, false},
    {"报告期", "report_date", 1, 1, false},
    {"公告日期", "ann_date", 1, 1, false},
    {"时间", "ts", 1, 1, false},
    {"datetime", "ts", 1, 1, false},
    {"trade_time", "ts", 1, 1, false},
    {"time", "ts", 1, 2, false},
    {"timestamp", "ts", 1, 2, false},
    {"成交时间", "ts", 1, 1, false},
    {"pretrade_date", "pre_trade_date", 1, 1, false},
    {"freq", "frequency", 1, 1, false},
    {"period", "frequency", 1, 2, false},
    // prices
    {"开盘", "open", 1, 1, false},
    {"开盘价", "open", 1, 1, false},
    {"今开", "open", 1, 1, false},
    {"最高", "high", 1, 1, false},
    {"最高价", "high", 1, 1, false},
    {"最低", "low", 1, 1, false},
    {"最低价", "low", 1, 1, false},
    {"收盘", "close", 1, 1, false},
    {"收盘价", "close", 1, 1, false},
    {"昨收", "pre_close", 1, 1, false},
    {"昨收价", "pre_close", 1, 1, false},
    {"前收盘", "pre_close", 1, 1, false},
    {"最新价", "last", 1, 1, false},
    {"现价", "last", 1, 1, false},
    {"成交价格", "last", 1, 1, false},
    {"price", "last", 1, 2, false},
    {"lastprice", "last", 1, 2, false},
    {"涨跌额", "change", 1, 1, false},
    {"pct_chg", "pct_change", 1, 1, false},
    {"涨跌幅", "pct_change", 1, 1, false},
    {"换手率", "turnover_rate", 1, 1, false},
    {"turnover", "turnover_rate", 1, 2, false},
    {"复权因子", "adj_factor", 1, 1, false},
    // volume and turnover (AkShare/East Money volumes are lots of 100 shares)
    {"成交量", "volume", 100, 1, false},
    {"vol", "volume", 100, 1, true},
    {"vol", "volume", 1, 1, false},
    {"成交额", "amount", 1, 1, false},
    {"成交金额", "amount", 1, 1, false},
    {"amount", "amount", 1000, 1, true},
    {"成交笔数", "num_trades", 1, 1, false},
    // order book (Sina/East Money style short names)
    {"买一价", "bid1_price", 1, 1, false},
    {"买一量", "bid1_volume", 1, 1, false},
    {"买二价", "bid2_price", 1, 1, false},
    {"买二量", "bid2_volume", 1, 1, false},
    {"买三价", "bid3_price", 1, 1, false},
    {"买三量", "bid3_volume", 1, 1, false},
    {"买四价", "bid4_price", 1, 1, false},
    {"买四量", "bid4_volume", 1, 1, false},
    {"买五价", "bid5_price", 1, 1, false},
    {"买五量", "bid5_volume", 1, 1, false},
    {"卖一价", "ask1_price", 1, 1, false},
    {"卖一量", "ask1_volume", 1, 1, false},
    {"卖二价", "ask2_price", 1, 1, false},
    {"卖二量", "ask2_volume", 1, 1, false},
    {"卖三价", "ask3_price", 1, 1, false},
    {"卖三量", "ask3_volume", 1, 1, false},
    {"卖四价", "ask4_price", 1, 1, false},
    {"卖四量", "ask4_volume", 1, 1, false},
    {"卖五价", "ask5_price", 1, 1, false},
    {"卖五量", "ask5_volume", 1, 1, false},
    {"bid1", "bid1_price", 1, 2, false},
    {"ask1", "ask1_price", 1, 2, false},
    // index weights
    {"权重", "weight", 1, 1, false},
    // Tushare money flow (amounts in ten thousands of yuan)
    {"buy_sm_amount", "buy_small_amount", 10000, 1, false},
    {"sell_sm_amount", "sell_small_amount", 10000, 1, false},
    {"buy_md_amount", "buy_medium_amount", 10000, 1, false},
    {"sell_md_amount", "sell_medium_amount", 10000, 1, false},
    {"buy_lg_amount", "buy_large_amount", 10000, 1, false},
    {"sell_lg_amount", "sell_large_amount", 10000, 1, false},
    {"buy_elg_amount", "buy_xlarge_amount", 10000, 1, false},
    {"sell_elg_amount", "sell_xlarge_amount", 10000, 1, false},
    {"net_mf_amount", "net_inflow", 10000, 1, false},
    // Tushare income / fina_indicator
    {"total_revenue", "revenue", 1, 1, false},
    {"operate_profit", "operating_profit", 1, 1, false},
    {"n_income", "net_profit", 1, 1, false},
    {"n_income_attr_p", "net_profit_attr", 1, 1, false},
    {"profit_dedt", "net_profit_deducted", 1, 1, false},
    {"total_assets", "total_assets", 1, 1, false},
    {"total_liab", "total_liabilities", 1, 1, false},
    {"total_hldr_eqy_exc_min_int", "total_equity", 1, 1, false},
    {"n_cashflow_act", "operating_cash_flow", 1, 1, false},
    {"grossprofit_margin", "gross_margin", 1, 1, false},
    {"netprofit_margin", "net_margin", 1, 1, false},
    {"or_yoy", "revenue_yoy", 1, 1, false},
    {"netprofit_yoy", "net_profit_yoy", 1, 1, false},
};

std::string fold(std::string_view header) {
  std::string out(header);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

Result<std::vector<ColumnMapping>> parse_column_mappings(std::string_view text,
                                                         std::string_view field) {
  std::vector<ColumnMapping> mappings;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view entry = trim(text.substr(start, end - start));
    start = end + 1;
    if (entry.empty()) continue;
    const size_t equals = entry.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == entry.size()) {
      return field_error(ErrorCode::kInvalidConfig, std::string(field),
                         "{}: mapping '{}' is not header=column or header=column*multiplier", field,
                         entry);
    }
    ColumnMapping mapping;
    mapping.header = std::string(trim(entry.substr(0, equals)));
    std::string_view target = trim(entry.substr(equals + 1));
    const size_t star = target.find('*');
    if (star != std::string_view::npos) {
      const std::string_view factor = trim(target.substr(star + 1));
      int64_t multiplier = 0;
      auto [ptr, ec] = std::from_chars(factor.data(), factor.data() + factor.size(), multiplier);
      bool power_of_ten =
          ec == std::errc() && ptr == factor.data() + factor.size() && multiplier >= 1;
      for (int64_t probe = multiplier; power_of_ten && probe > 1; probe /= 10) {
        power_of_ten = probe % 10 == 0;
      }
      if (!power_of_ten || multiplier > 1'000'000'000) {
        return field_error(ErrorCode::kInvalidConfig, std::string(field),
                           "{}: multiplier '{}' in '{}' must be a power of ten (1, 10, 100, ... "
                           "up to 1000000000)",
                           field, factor, entry);
      }
      mapping.multiplier = multiplier;
      target = trim(target.substr(0, star));
    }
    mapping.column = std::string(target);
    mappings.push_back(std::move(mapping));
  }
  return mappings;
}

HeaderProfile detect_profile(std::span<const std::string_view> headers) {
  bool ts_code = false;
  bool trade_date = false;
  bool vol = false;
  for (std::string_view header : headers) {
    const std::string key = fold(trim(header));
    ts_code |= key == "ts_code";
    trade_date |= key == "trade_date";
    vol |= key == "vol";
  }
  return ts_code && trade_date && vol ? HeaderProfile::kTushareDaily : HeaderProfile::kGeneric;
}

ResolvedHeader resolve_header(std::string_view header, HeaderProfile profile,
                              std::span<const ColumnMapping> user_mappings) {
  const std::string key = fold(trim(header));
  for (const ColumnMapping& mapping : user_mappings) {
    if (fold(mapping.header) == key) return ResolvedHeader{mapping.column, mapping.multiplier, -1};
  }
  for (const Alias& alias : kAliases) {
    if (alias.header != key) continue;
    if (alias.tushare_daily_only && profile != HeaderProfile::kTushareDaily) continue;
    return ResolvedHeader{std::string(alias.column), alias.multiplier, alias.rank};
  }
  // A header spelled like a table column is that column (the caller checks it exists).
  return ResolvedHeader{key, 1, 3};
}

std::vector<std::string> aliases_of(std::string_view column) {
  std::vector<std::string> out = {std::string(column)};
  for (const Alias& alias : kAliases) {
    if (alias.column == column && std::find(out.begin(), out.end(), alias.header) == out.end()) {
      out.emplace_back(alias.header);
    }
  }
  return out;
}

}  // namespace mystocks::sources

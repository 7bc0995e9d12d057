#include "sources/simulator/well_known.h"

#include <string_view>
#include <vector>

namespace mystocks::sources {
namespace {

// Share counts and list dates are the real ones (rounded where they changed); prices are the
// level around the simulator's first day, volatility and turnover plausible for a large cap.
SecurityInfo make(std::string_view symbol, std::string_view name, std::string_view full_name,
                  Board board, std::string_view industry, std::string_view area, Date list_date,
                  int64_t total_shares, int64_t float_shares, double price, double beta,
                  double volatility, double turnover, char is_hs) {
  // Six digits plus an explicit exchange always parse.
  SecurityInfo info{.symbol = *Symbol::parse(symbol)};
  info.canonical = info.symbol.to_string();
  info.name = std::string(name);
  info.full_name = std::string(full_name);
  info.board = board;
  info.industry = std::string(industry);
  info.area = std::string(area);
  info.list_date = list_date;
  info.total_shares = total_shares;
  info.float_shares = float_shares / kLotShares * kLotShares;
  info.initial_price = to_cents(price);
  info.beta = beta;
  info.volatility = volatility;
  info.turnover = turnover;
  info.limit = limit_percent(board, false);
  info.is_hs = is_hs;
  return info;
}

std::vector<SecurityInfo> build() {
  return {
      make("600519.SH", "贵州茅台", "贵州茅台酒股份有限公司", Board::kMain, "食品饮料", "贵州",
           Date::from_ymd(2001, 8, 27), 1256197800, 1256197800, 1688.00, 0.9, 0.015, 0.003, 'H'),
      make("000001.SZ", "平安银行", "平安银行股份有限公司", Board::kMain, "银行", "广东",
           Date::from_ymd(1991, 4, 3), 19405918198, 19405546950, 11.30, 1.0, 0.014, 0.005, 'S'),
      make("600036.SH", "招商银行", "招商银行股份有限公司", Board::kMain, "银行", "广东",
           Date::from_ymd(2002, 4, 9), 25219845601, 20628944429, 33.60, 0.9, 0.013, 0.004, 'H'),
      make("300750.SZ", "宁德时代", "宁德时代新能源科技股份有限公司", Board::kChiNext, "电力设备",
           "福建", Date::from_ymd(2018, 6, 11), 4403992818, 3897826034, 192.50, 1.3, 0.022, 0.008,
           'S'),
      make("000858.SZ", "五粮液", "宜宾五粮液股份有限公司", Board::kMain, "食品饮料", "四川",
           Date::from_ymd(1998, 4, 27), 3881608005, 3881588019, 148.80, 1.0, 0.017, 0.005, 'S'),
      make("601318.SH", "中国平安", "中国平安保险(集团)股份有限公司", Board::kMain, "非银金融",
           "广东", Date::from_ymd(2007, 3, 1), 18210234607, 10762657447, 45.20, 1.1, 0.015, 0.004,
           'H'),
      make("000333.SZ", "美的集团", "美的集团股份有限公司", Board::kMain, "家用电器", "广东",
           Date::from_ymd(2013, 9, 18), 7020515000, 6843060000, 62.40, 1.0, 0.016, 0.005, 'S'),
      make("002594.SZ", "比亚迪", "比亚迪股份有限公司", Board::kMain, "汽车", "广东",
           Date::from_ymd(2011, 6, 30), 2909265572, 1164849360, 248.00, 1.3, 0.022, 0.01, 'S'),
      make("688981.SH", "中芯国际", "中芯国际集成电路制造有限公司", Board::kStar, "电子", "上海",
           Date::from_ymd(2020, 7, 16), 7951760000, 1984361650, 52.30, 1.4, 0.026, 0.015, 'H'),
      make("600900.SH", "长江电力", "中国长江电力股份有限公司", Board::kMain, "公用事业", "湖北",
           Date::from_ymd(2003, 11, 18), 24468217000, 24468217000, 25.80, 0.6, 0.01, 0.003, 'H'),
  };
}

}  // namespace

std::span<const SecurityInfo> well_known_securities() {
  static const std::vector<SecurityInfo> kSecurities = build();
  return kSecurities;
}

}  // namespace mystocks::sources

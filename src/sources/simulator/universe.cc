#include "sources/simulator/universe.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <numeric>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "sources/simulator/random.h"
#include "sources/simulator/well_known.h"

namespace mystocks::sources {
namespace {

struct BoardShape {
  Board board;
  Exchange exchange;
  double share;                 // of the universe, roughly the real listing counts
  std::array<int, 4> prefixes;  // three-digit code prefixes; 0 = unused slot
  double volatility;
  double turnover;
};

constexpr BoardShape kBoards[] = {
    {Board::kMain, Exchange::kSH, 0.33, {600, 601, 603, 605}, 0.018, 0.012},
    {Board::kStar, Exchange::kSH, 0.11, {688, 688, 688, 689}, 0.026, 0.025},
    {Board::kMain, Exchange::kSZ, 0.29, {0, 1, 2, 3}, 0.019, 0.018},
    {Board::kChiNext, Exchange::kSZ, 0.19, {300, 300, 301, 301}, 0.027, 0.032},
    {Board::kBse, Exchange::kBJ, 0.08, {430, 830, 870, 920}, 0.031, 0.020},
};

struct IndustryShape {
  std::string_view name;
  std::array<std::string_view, 2> suffixes;
};

constexpr IndustryShape kIndustries[] = {
    {"农林牧渔", {"农业", "牧业"}}, {"基础化工", {"化工", "新材"}}, {"钢铁", {"钢铁", "特钢"}},
    {"有色金属", {"矿业", "有色"}}, {"电子", {"电子", "微电"}},     {"汽车", {"汽车", "汽配"}},
    {"家用电器", {"电器", "家电"}}, {"食品饮料", {"食品", "酒业"}}, {"纺织服饰", {"服饰", "纺织"}},
    {"轻工制造", {"家居", "纸业"}}, {"医药生物", {"医药", "生物"}}, {"公用事业", {"电力", "水务"}},
    {"交通运输", {"物流", "航运"}}, {"房地产", {"地产", "置业"}},   {"商贸零售", {"商业", "百货"}},
    {"社会服务", {"旅游", "教育"}}, {"银行", {"银行", "农商"}},     {"非银金融", {"证券", "保险"}},
    {"综合", {"控股", "实业"}},     {"建筑材料", {"建材", "水泥"}}, {"建筑装饰", {"建工", "装饰"}},
    {"电力设备", {"电气", "新能"}}, {"机械设备", {"机械", "重工"}}, {"国防军工", {"航天", "军工"}},
    {"计算机", {"软件", "信息"}},   {"传媒", {"传媒", "文化"}},     {"通信", {"通信", "网络"}},
    {"煤炭", {"煤业", "能源"}},     {"石油石化", {"石化", "油服"}}, {"环保", {"环境", "环保"}},
    {"美容护理", {"美妆", "护理"}},
};

// Industries that do not list on the growth boards (banks and brokers are main-board issuers).
constexpr std::string_view kGrowthIndustries[] = {"电子",     "计算机", "医药生物", "电力设备",
                                                  "机械设备", "通信",   "基础化工", "国防军工"};

constexpr std::string_view kNamePrefixes[] = {
    "华信", "东方", "中科", "金桥", "海通", "天成", "新元", "长城", "恒泰", "国盛", "永安", "宏达",
    "光明", "远洋", "兴业", "安泰", "正邦", "博远", "瑞丰", "鼎盛", "嘉和", "泰禾", "盛华", "汇通",
    "鸿远", "万通", "华康", "中环", "北辰", "南方", "西部", "江南", "山河", "星辰", "宇航", "晨光",
    "华夏", "同德", "福安", "康达", "力帆", "精工", "信达", "隆基", "天齐", "振华", "通达", "中天",
    "银河", "金龙", "凯盛", "明阳", "德润", "三友", "四维", "五洲", "九州", "百合", "千禾", "万科",
    "龙腾", "凤凰", "麒麟", "青松", "紫光", "蓝天", "白云", "黄河", "长江", "珠江", "华东", "华南",
    "中原", "东北", "西南", "华北", "浙商", "苏美", "粤海", "闽发", "湘电", "鄂武", "川投", "渝开",
    "津滨", "沪光", "京能", "冀中", "晋能", "豫光", "皖通", "赣锋", "桂冠", "滇红", "黔源", "陕鼓",
    "甘电", "青海", "宁波", "厦门",
};

constexpr std::string_view kAreas[] = {
    "广东", "浙江",   "江苏", "北京", "上海", "山东", "广东",   "浙江", "江苏",
    "福建", "四川",   "湖北", "湖南", "安徽", "河南", "河北",   "辽宁", "陕西",
    "重庆", "天津",   "江西", "云南", "广西", "吉林", "黑龙江", "山西", "贵州",
    "新疆", "内蒙古", "甘肃", "海南", "宁夏", "青海", "西藏",
};

struct IndexShape {
  std::string_view code;
  Exchange exchange;
  std::string_view name;
  std::string_view full_name;
  double base_level;
};

constexpr IndexShape kIndices[] = {
    {"000001", Exchange::kSH, "上证指数", "上海证券交易所综合股价指数", 3085.20},
    {"000300", Exchange::kSH, "沪深300", "沪深300指数", 4152.24},
    {"000905", Exchange::kSH, "中证500", "中证小盘500指数", 5950.31},
    {"000688", Exchange::kSH, "科创50", "上证科创板50成份指数", 1000.00},
    {"399001", Exchange::kSZ, "深证成指", "深证成份指数", 10638.42},
    {"399006", Exchange::kSZ, "创业板指", "创业板指数", 1841.39},
    {"899050", Exchange::kBJ, "北证50", "北证50成份指数", 1000.00},
};

const BoardShape& draw_board(Rng& rng) {
  double draw = rng.uniform();
  for (const BoardShape& shape : kBoards) {
    if (draw < shape.share) return shape;
    draw -= shape.share;
  }
  return kBoards[0];
}

Date random_date(Rng& rng, Date first, Date last) {
  return Date{static_cast<int32_t>(rng.uniform_int(first.days, last.days))};
}

Date list_date_for(Rng& rng, Board board) {
  switch (board) {
    case Board::kStar:
      return random_date(rng, Date::from_ymd(2019, 7, 22), Date::from_ymd(2019, 12, 31));
    case Board::kChiNext:
      return random_date(rng, Date::from_ymd(2009, 10, 30), Date::from_ymd(2019, 12, 31));
    case Board::kBse:
      // The Beijing exchange opened on 2021-11-15; its shares list on or after that day.
      return random_date(rng, Date::from_ymd(2021, 11, 15), Date::from_ymd(2023, 6, 30));
    case Board::kMain:
      break;
  }
  return random_date(rng, Date::from_ymd(1995, 1, 1), Date::from_ymd(2019, 12, 31));
}

SecurityInfo make_security(Rng& rng, std::set<std::string>& codes, std::set<std::string>& names) {
  const BoardShape& shape = draw_board(rng);
  std::string code;
  do {
    const int prefix = shape.prefixes[rng.uniform_int(0, 3)];
    code = fmt::format("{:03}{:03}", prefix, rng.uniform_int(shape.prefixes[0] == 0 ? 1 : 0, 999));
  } while (!codes.insert(code + std::string(exchange_name(shape.exchange))).second);
  // Six digits plus an explicit exchange always parse.
  SecurityInfo info{.symbol =
                        *Symbol::parse(code + "." + std::string(exchange_name(shape.exchange)))};
  info.canonical = info.symbol.to_string();
  info.board = shape.board;

  const IndustryShape* industry = &kIndustries[rng.uniform_int(0, std::size(kIndustries) - 1)];
  if (shape.board != Board::kMain) {
    const std::string_view growth =
        kGrowthIndustries[rng.uniform_int(0, std::size(kGrowthIndustries) - 1)];
    if (std::find(std::begin(kGrowthIndustries), std::end(kGrowthIndustries), industry->name) ==
        std::end(kGrowthIndustries)) {
      for (const IndustryShape& candidate : kIndustries) {
        if (candidate.name == growth) industry = &candidate;
      }
    }
  }
  info.industry = std::string(industry->name);
  std::string name;
  const size_t start = static_cast<size_t>(rng.uniform_int(0, std::size(kNamePrefixes) - 1));
  const size_t suffix = static_cast<size_t>(rng.uniform_int(0, 1));
  for (size_t attempt = 0; attempt < 2 * std::size(kNamePrefixes); ++attempt) {
    const std::string_view prefix = kNamePrefixes[(start + attempt / 2) % std::size(kNamePrefixes)];
    name = std::string(prefix) + std::string(industry->suffixes[(suffix + attempt) % 2]);
    if (!names.contains(name)) break;
  }
  // Past every combination, a numbered name keeps names unique.
  for (int serial = 2; names.contains(name); ++serial) {
    name = fmt::format("{}{}号", std::string(kNamePrefixes[start]), serial);
  }
  names.insert(name);
  info.full_name = name + "股份有限公司";
  info.is_st = rng.bernoulli(shape.board == Board::kMain ? 0.04 : 0.015);
  info.name = info.is_st ? (rng.bernoulli(0.5) ? "*ST" : "ST") + name : name;
  info.area = std::string(kAreas[rng.uniform_int(0, std::size(kAreas) - 1)]);
  info.list_date = list_date_for(rng, shape.board);
  const double share_median = shape.board == Board::kBse ? 1.5e8 : 8.0e8;
  info.total_shares = std::clamp<int64_t>(
      static_cast<int64_t>(share_median * std::exp(rng.normal())) / 10000 * 10000, 30'000'000,
      300'000'000'000);
  info.float_shares =
      static_cast<int64_t>(static_cast<double>(info.total_shares) * (0.35 + 0.65 * rng.uniform())) /
      kLotShares * kLotShares;
  info.initial_price =
      std::clamp<int64_t>(to_cents(15.0 * std::exp(0.7 * rng.normal())), 200, 50000);
  info.beta = 0.6 + 0.9 * rng.uniform();
  info.volatility = shape.volatility * (0.8 + 0.45 * rng.uniform());
  info.turnover = shape.turnover * std::exp(0.4 * rng.normal());
  info.limit = limit_percent(shape.board, info.is_st);
  const bool connect_eligible = shape.board != Board::kBse && rng.bernoulli(0.5);
  info.is_hs = connect_eligible ? (shape.exchange == Exchange::kSH ? 'H' : 'S') : 'N';
  return info;
}

double float_cap(const SecurityInfo& info) {
  return static_cast<double>(info.float_shares) * static_cast<double>(info.initial_price);
}

// Members of an index: the largest float caps among `eligible`, at most `limit` of them.
std::vector<uint32_t> largest(const std::vector<SecurityInfo>& securities,
                              std::vector<uint32_t> eligible, size_t limit, size_t skip = 0) {
  std::stable_sort(eligible.begin(), eligible.end(), [&](uint32_t a, uint32_t b) {
    return float_cap(securities[a]) > float_cap(securities[b]);
  });
  eligible.erase(eligible.begin(),
                 eligible.begin() + static_cast<std::ptrdiff_t>(std::min(skip, eligible.size())));
  if (eligible.size() > limit) eligible.resize(limit);
  std::sort(eligible.begin(), eligible.end());
  return eligible;
}

// CSI 300 takes the largest third of the SH and SZ shares (at most 300); CSI 500 the next ones.
size_t csi300_size(size_t pool_size) { return std::clamp<size_t>(pool_size / 3, 1, 300); }

}  // namespace

Universe Universe::generate(uint64_t seed, int symbol_count) {
  assert(symbol_count >= 1 && symbol_count <= 20000);
  Universe universe;
  Rng rng(seed, Stream::kUniverse);
  std::set<std::string> codes;
  std::set<std::string> names;
  universe.securities_.reserve(static_cast<size_t>(symbol_count));
  for (const SecurityInfo& known : well_known_securities()) {
    if (universe.securities_.size() == static_cast<size_t>(symbol_count)) break;
    codes.insert(std::string(known.symbol.code()) +
                 std::string(exchange_name(known.symbol.exchange())));
    names.insert(known.name);
    universe.securities_.push_back(known);
  }
  while (universe.securities_.size() < static_cast<size_t>(symbol_count)) {
    universe.securities_.push_back(make_security(rng, codes, names));
  }
  const auto& securities = universe.securities_;
  for (uint32_t index = 0; index < securities.size(); ++index) {
    universe.by_symbol_.emplace(securities[index].canonical, index);
  }
  universe.sorted_.resize(securities.size());
  std::iota(universe.sorted_.begin(), universe.sorted_.end(), 0);
  std::sort(universe.sorted_.begin(), universe.sorted_.end(), [&](uint32_t a, uint32_t b) {
    return securities[a].canonical < securities[b].canonical;
  });

  auto select = [&](auto predicate) {
    std::vector<uint32_t> out;
    for (uint32_t index = 0; index < securities.size(); ++index) {
      if (predicate(securities[index])) out.push_back(index);
    }
    return out;
  };
  auto half = [](const std::vector<uint32_t>& group, size_t cap) {
    return std::clamp<size_t>(group.size() / 2, std::min<size_t>(group.size(), 1), cap);
  };
  for (const IndexShape& shape : kIndices) {
    std::vector<uint32_t> members;
    const std::string_view code = shape.code;
    if (code == "000001") {
      members = select([](const SecurityInfo& s) { return s.symbol.exchange() == Exchange::kSH; });
    } else if (code == "000300") {
      auto pool =
          select([](const SecurityInfo& s) { return s.symbol.exchange() != Exchange::kBJ; });
      members = largest(securities, pool, csi300_size(pool.size()));
    } else if (code == "000905") {
      auto pool =
          select([](const SecurityInfo& s) { return s.symbol.exchange() != Exchange::kBJ; });
      members = largest(securities, pool, 500, csi300_size(pool.size()));
    } else if (code == "000688") {
      auto pool = select([](const SecurityInfo& s) { return s.board == Board::kStar; });
      members = largest(securities, pool, half(pool, 50));
    } else if (code == "399001") {
      auto pool =
          select([](const SecurityInfo& s) { return s.symbol.exchange() == Exchange::kSZ; });
      members = largest(securities, pool, half(pool, 500));
    } else if (code == "399006") {
      auto pool = select([](const SecurityInfo& s) { return s.board == Board::kChiNext; });
      members = largest(securities, pool, half(pool, 100));
    } else if (code == "899050") {
      auto pool = select([](const SecurityInfo& s) { return s.board == Board::kBse; });
      members = largest(securities, pool, half(pool, 50));
    }
    if (members.empty()) continue;  // a small universe may have no STAR or BJ shares
    IndexInfo index{.symbol = *Symbol::parse(std::string(code) + "." +
                                             std::string(exchange_name(shape.exchange)))};
    index.canonical = index.symbol.to_string();
    index.name = std::string(shape.name);
    index.full_name = std::string(shape.full_name);
    index.base_level = to_cents(shape.base_level);
    index.members = std::move(members);
    universe.index_by_symbol_.emplace(index.canonical, universe.indices_.size());
    universe.indices_.push_back(std::move(index));
  }
  return universe;
}

std::optional<uint32_t> Universe::find_security(const Symbol& symbol) const {
  auto it = by_symbol_.find(symbol.to_string());
  if (it == by_symbol_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> Universe::find_index(const Symbol& symbol) const {
  auto it = index_by_symbol_.find(symbol.to_string());
  if (it == index_by_symbol_.end()) return std::nullopt;
  return it->second;
}

}  // namespace mystocks::sources

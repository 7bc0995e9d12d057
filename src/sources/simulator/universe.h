// Universe: the simulated securities and indices, generated deterministically from a seed.
// It opens with the well-known shares of well_known.h (600519.SH, 000001.SZ, ...), then random
// ones. Security i depends only on the seed and i, so a universe of N symbols is a prefix of every
// larger one. Stocks and indices are told apart by canonical symbol, never by bare code:
// 000001.SH is 上证指数 and 000001.SZ is 平安银行. Random boards are drawn roughly in their real
// proportions (SH main, STAR, SZ main, ChiNext, BJ) with codes from each board's ranges, Chinese
// short names, Shenwan level-1 industries and provinces. Index membership is fixed at generation
// (largest free-float market caps); weights follow prices day by day (daily_model.h).
// Immutable after generate(): safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/symbol.h"
#include "core/timestamp.h"
#include "sources/simulator/price_rules.h"

namespace mystocks::sources {

struct SecurityInfo {
  Symbol symbol;
  std::string canonical;  // "600519.SH"
  std::string name;       // short name; "ST"/"*ST" prefix when is_st
  std::string full_name;
  Board board = Board::kMain;
  std::string industry;  // Shenwan 2021 level 1
  std::string area;      // province of registration
  Date list_date{};
  bool is_st = false;
  char is_hs = 'N';  // Stock Connect: H (Shanghai), S (Shenzhen) or N
  int64_t total_shares = 0;
  int64_t float_shares = 0;
  int64_t initial_price = 0;  // cents, the close before the first simulated day
  double beta = 1.0;          // loading on the market factor
  double volatility = 0.02;   // idiosyncratic daily log-return deviation
  double turnover = 0.015;    // mean fraction of float shares traded per day
  int limit = 10;             // daily limit, percent
};

struct IndexInfo {
  Symbol symbol;
  std::string canonical;  // "000300.SH"
  std::string name;       // "沪深300"
  std::string full_name;
  int64_t base_level = 0;         // cents of a point, the level before the first simulated day
  std::vector<uint32_t> members;  // indexes into Universe::securities()
};

class Universe {
 public:
  // REQUIRES: 1 <= symbol_count <= 20000.
  static Universe generate(uint64_t seed, int symbol_count);

  const std::vector<SecurityInfo>& securities() const { return securities_; }
  const std::vector<IndexInfo>& indices() const { return indices_; }
  std::optional<uint32_t> find_security(const Symbol& symbol) const;
  std::optional<uint32_t> find_index(const Symbol& symbol) const;
  // Security indexes in canonical symbol order (the order rows are returned in).
  const std::vector<uint32_t>& sorted_securities() const { return sorted_; }

 private:
  std::vector<SecurityInfo> securities_;
  std::vector<IndexInfo> indices_;
  std::vector<uint32_t> sorted_;
  std::unordered_map<std::string, uint32_t> by_symbol_;
  std::unordered_map<std::string, uint32_t> index_by_symbol_;
};

}  // namespace mystocks::sources

// Header aliases: which table column a CSV header means, and in what unit. Covers English
// headers, Tushare's field names and the Chinese headers of AkShare / East Money exports
// (日期, 开盘, 最高, 最低, 收盘, 成交量, 成交额, 换手率, 股票代码, 涨跌幅, ...), and user mappings
// ("成交量=volume*100") that override them.
// Units: a multiplier (a power of ten) turns the file's unit into the table's: AkShare and
// Tushare daily volumes are in lots of 100 shares (手); Tushare daily amounts are in thousands of
// yuan and its money-flow amounts in ten thousands. Tushare's daily profile is recognised by its
// ts_code + trade_date + vol headers; its minute data (trade_time) is in shares and yuan.
// Constant data and pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mystocks::sources {

// One header -> column rule.
struct ColumnMapping {
  std::string header;      // as in the file (ASCII letters compare case-insensitively)
  std::string column;      // table column
  int64_t multiplier = 1;  // file value * multiplier = table value; a power of ten
};

// Parses "header=column[*multiplier], ..." (the sources.csv_columns setting). `field` names the
// setting in errors.
Result<std::vector<ColumnMapping>> parse_column_mappings(std::string_view text,
                                                         std::string_view field);

enum class HeaderProfile : uint8_t {
  kGeneric,
  kTushareDaily,  // ts_code + trade_date + vol: vol in lots, amount in thousands of yuan
};

// The profile the header row reveals.
HeaderProfile detect_profile(std::span<const std::string_view> headers);

struct ResolvedHeader {
  std::string column;
  int64_t multiplier = 1;
  int rank = 0;  // lower wins when several headers map to one column (ts_code over symbol)
};

// The rule for `header`: a user mapping first, then the built-in aliases, else the header read
// as a column name (the caller ignores it when the table has no such column).
ResolvedHeader resolve_header(std::string_view header, HeaderProfile profile,
                              std::span<const ColumnMapping> user_mappings);

// Headers the built-in table accepts for `column`, for "missing column" messages.
std::vector<std::string> aliases_of(std::string_view column);

}  // namespace mystocks::sources

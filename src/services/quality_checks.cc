#include "services/quality_checks.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "core/decimal.h"
#include "core/symbol.h"
#include "services/time_columns.h"
#include "sources/simulator/price_rules.h"

namespace mystocks::services {
namespace {

// A decimal or int64 column: values plus validity (empty = no nulls).
struct Int64Column {
  const std::vector<int64_t>* values = nullptr;
  const std::vector<uint8_t>* validity = nullptr;
  int scale = 0;
  std::string_view name;

  explicit operator bool() const { return values != nullptr; }
  bool has(size_t row) const {
    return values != nullptr && (validity->empty() || (*validity)[row]);
  }
  int64_t operator[](size_t row) const { return (*values)[row]; }
};

Int64Column int64_column(const RecordBatch& batch, std::string_view name) {
  const std::optional<size_t> index = batch.schema().index_of(name);
  if (!index) return {};
  const Field& field = batch.schema().field(*index);
  if (field.type != ColumnType::kDecimal && field.type != ColumnType::kInt64) return {};
  const Column& column = batch.column(*index);
  return {&column.as<int64_t>(), &column.validity(), field.scale, field.name};
}

const std::vector<std::string>* string_column(const RecordBatch& batch, std::string_view name) {
  const std::optional<size_t> index = batch.schema().index_of(name);
  if (!index || batch.schema().field(*index).type != ColumnType::kString) return nullptr;
  return &batch.column(*index).as<std::string>();
}

std::string price_text(const Int64Column& column, size_t row) {
  return Decimal(column[row], column.scale).to_string();
}

// The instant or date of a row for messages.
std::string when_text(const RecordBatch& batch, const storage::TableSchema& table, size_t row) {
  const storage::ColumnDef* time = range_column(table);
  if (time == nullptr) return fmt::format("row {}", row);
  const Column* column = batch.column(time->field.name);
  if (column == nullptr || column->is_null(row)) return fmt::format("row {}", row);
  if (time->field.type == ColumnType::kDate) return Date{column->as<int32_t>()[row]}.to_string();
  return format_iso8601_utc(column->as<int64_t>()[row]);
}

// The series a row belongs to, for per-symbol tallies: symbol, else the first string key column.
const std::vector<std::string>* series_column(const RecordBatch& batch,
                                              const storage::TableSchema& table) {
  if (const auto* symbols = string_column(batch, "symbol")) return symbols;
  for (const std::string& key : table.unique_key) {
    if (const auto* values = string_column(batch, key)) return values;
  }
  return nullptr;
}

class Checker {
 public:
  Checker(const storage::TableSchema& table, const RecordBatch& batch, QualityReport& report)
      : table_(table),
        batch_(batch),
        report_(report),
        series_(series_column(batch, table)),
        reject_(batch.num_rows(), 0) {}

  void finding(QualityCheck check, size_t row, std::string_view what) {
    static const std::string kAll = "all";
    const std::string& symbol = series_ != nullptr ? (*series_)[row] : kAll;
    const bool first = report_[check].findings == 0;
    report_.add(check, symbol, 1,
                first ? fmt::format("{} {}: {}", symbol, when_text(batch_, table_, row), what)
                      : std::string());
    if (quality_check_rejects(check)) reject_[row] = 1;
  }

  void ohlc() {
    const Int64Column high = int64_column(batch_, "high");
    const Int64Column low = int64_column(batch_, "low");
    if (!high || !low) return;
    report_[QualityCheck::kOhlc].applied = true;
    const Int64Column inner[] = {int64_column(batch_, "open"), int64_column(batch_, "close"),
                                 int64_column(batch_, "last")};
    for (size_t row = 0; row < batch_.num_rows(); ++row) {
      if (!high.has(row) || !low.has(row)) continue;
      if (low[row] > high[row]) {
        finding(QualityCheck::kOhlc, row,
                fmt::format("low {} > high {}", price_text(low, row), price_text(high, row)));
        continue;
      }
      for (const Int64Column& price : inner) {
        if (!price.has(row)) continue;
        if (price[row] > high[row]) {
          finding(QualityCheck::kOhlc, row,
                  fmt::format("high {} < {} {}", price_text(high, row), price.name,
                              price_text(price, row)));
          break;
        }
        if (price[row] < low[row]) {
          finding(QualityCheck::kOhlc, row,
                  fmt::format("low {} > {} {}", price_text(low, row), price.name,
                              price_text(price, row)));
          break;
        }
      }
    }
  }

  void non_negative() {
    static constexpr std::string_view kColumns[] = {"volume", "amount", "open", "high",
                                                    "low",    "close",  "last", "pre_close"};
    for (std::string_view name : kColumns) {
      const Int64Column column = int64_column(batch_, name);
      if (!column) continue;
      report_[QualityCheck::kNonNegative].applied = true;
      for (size_t row = 0; row < batch_.num_rows(); ++row) {
        if (column.has(row) && column[row] < 0) {
          finding(QualityCheck::kNonNegative, row,
                  fmt::format("{} {} is negative", name, price_text(column, row)));
        }
      }
    }
  }

  void duplicates() {
    const std::vector<std::string>& names =
        table_.unique_key.empty() ? table_.primary_key : table_.unique_key;
    std::vector<const Column*> keys;
    std::vector<ColumnType> types;
    for (const std::string& name : names) {
      const std::optional<size_t> index = batch_.schema().index_of(name);
      if (!index) return;  // the batch cannot be keyed; the schema check reports it
      keys.push_back(&batch_.column(*index));
      types.push_back(batch_.schema().field(*index).type);
    }
    if (keys.empty()) return;
    report_[QualityCheck::kDuplicateKey].applied = true;
    if (batch_.num_rows() < 2) return;
    auto compare = [&](uint32_t a, uint32_t b) -> int {
      for (size_t key = 0; key < keys.size(); ++key) {
        int order = 0;
        switch (types[key]) {
          case ColumnType::kString: {
            const auto& values = keys[key]->as<std::string>();
            order = values[a].compare(values[b]);
            break;
          }
          case ColumnType::kInt32:
          case ColumnType::kDate: {
            const auto& values = keys[key]->as<int32_t>();
            order = (values[a] > values[b]) - (values[a] < values[b]);
            break;
          }
          case ColumnType::kBool: {
            const auto& values = keys[key]->as<uint8_t>();
            order = (values[a] > values[b]) - (values[a] < values[b]);
            break;
          }
          case ColumnType::kDouble: {
            const auto& values = keys[key]->as<double>();
            order = (values[a] > values[b]) - (values[a] < values[b]);
            break;
          }
          default: {
            const auto& values = keys[key]->as<int64_t>();
            order = (values[a] > values[b]) - (values[a] < values[b]);
          }
        }
        if (order != 0) return order;
      }
      return 0;
    };
    // Sources return rows sorted by key, so one pass usually suffices; otherwise sort row ids.
    const uint32_t rows = static_cast<uint32_t>(batch_.num_rows());
    bool sorted = true;
    for (uint32_t row = 1; row < rows && sorted; ++row) sorted = compare(row - 1, row) <= 0;
    std::vector<uint32_t> order;
    if (!sorted) {
      order.resize(rows);
      for (uint32_t row = 0; row < rows; ++row) order[row] = row;
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return compare(a, b) < 0; });
    }
    auto at = [&](uint32_t position) { return sorted ? position : order[position]; };
    for (uint32_t position = 1; position < rows; ++position) {
      if (compare(at(position - 1), at(position)) == 0) {
        finding(QualityCheck::kDuplicateKey, at(position),
                fmt::format("repeats the key of row {}", at(position - 1)));
      }
    }
  }

  void price_limits() {
    const Int64Column pre_close = int64_column(batch_, "pre_close");
    const auto* symbols = string_column(batch_, "symbol");
    if (!pre_close || symbols == nullptr) return;
    report_[QualityCheck::kPriceLimit].applied = true;
    const Int64Column prices[] = {int64_column(batch_, "close"), int64_column(batch_, "last"),
                                  int64_column(batch_, "high"), int64_column(batch_, "low")};
    const std::string* cached_symbol = nullptr;
    int percent = 10;
    for (size_t row = 0; row < batch_.num_rows(); ++row) {
      if (!pre_close.has(row) || pre_close[row] <= 0 || pre_close.scale < 2) continue;
      if (cached_symbol == nullptr || *cached_symbol != (*symbols)[row]) {
        cached_symbol = &(*symbols)[row];
        Result<Symbol> symbol = Symbol::parse(*cached_symbol);
        // ST shares have a narrower limit the batch cannot tell, so the wider one is checked.
        percent = symbol.is_ok() ? sources::limit_percent(sources::board_of(*symbol), false) : 0;
      }
      if (percent == 0) continue;
      int64_t factor = 1;
      for (int digit = 2; digit < pre_close.scale; ++digit) factor *= 10;
      const sources::PriceLimits limits = sources::price_limits(pre_close[row] / factor, percent);
      for (const Int64Column& price : prices) {
        if (!price.has(row) || price.scale != pre_close.scale) continue;
        if (price[row] > limits.up * factor || price[row] < limits.down * factor) {
          finding(
              QualityCheck::kPriceLimit, row,
              fmt::format("{} {} is outside the {}% limit of pre_close {} ({}..{})", price.name,
                          price_text(price, row), percent, price_text(pre_close, row),
                          Decimal(limits.down, 2).to_string(), Decimal(limits.up, 2).to_string()));
          break;
        }
      }
    }
  }

  std::vector<uint8_t> take_mask() { return std::move(reject_); }

 private:
  const storage::TableSchema& table_;
  const RecordBatch& batch_;
  QualityReport& report_;
  const std::vector<std::string>* series_;
  std::vector<uint8_t> reject_;
};

}  // namespace

std::string_view quality_check_name(QualityCheck check) {
  switch (check) {
    case QualityCheck::kOhlc:
      return "ohlc_consistency";
    case QualityCheck::kNonNegative:
      return "non_negative";
    case QualityCheck::kDuplicateKey:
      return "duplicate_key";
    case QualityCheck::kPriceLimit:
      return "price_limit";
    case QualityCheck::kCalendarGap:
      return "calendar_gap";
  }
  return "unknown";
}

bool quality_check_rejects(QualityCheck check) {
  return check == QualityCheck::kOhlc || check == QualityCheck::kNonNegative ||
         check == QualityCheck::kDuplicateKey;
}

void QualityReport::add(QualityCheck check, std::string_view symbol, int64_t count,
                        std::string_view example) {
  if (count <= 0) return;
  CheckTally& tally = (*this)[check];
  if (tally.example.empty() && !example.empty()) tally.example = std::string(example);
  tally.findings += count;
  auto found = tally.by_symbol.find(symbol);
  if (found == tally.by_symbol.end()) {
    tally.by_symbol.emplace(std::string(symbol), count);
  } else {
    found->second += count;
  }
}

int64_t QualityReport::total_findings() const {
  int64_t total = 0;
  for (const CheckTally& tally : checks) total += tally.findings;
  return total;
}

std::vector<uint8_t> check_batch_quality(const storage::TableSchema& table,
                                         const RecordBatch& batch, const QualityOptions& options,
                                         QualityReport& report) {
  report.rows_checked += static_cast<int64_t>(batch.num_rows());
  Checker checker(table, batch, report);
  checker.ohlc();
  checker.non_negative();
  checker.duplicates();
  if (options.price_limits) checker.price_limits();
  return checker.take_mask();
}

std::map<std::string, std::vector<int32_t>> dates_by_symbol(const storage::TableSchema& table,
                                                            const RecordBatch& batch,
                                                            std::string_view series_column) {
  std::map<std::string, std::vector<int32_t>> dates;
  const storage::ColumnDef* time = range_column(table);
  const auto* series = string_column(batch, series_column);
  const Column* times = time == nullptr ? nullptr : batch.column(time->field.name);
  if (series == nullptr || times == nullptr) return dates;
  const bool is_date = time->field.type == ColumnType::kDate;
  std::vector<int32_t>* current = nullptr;
  const std::string* current_symbol = nullptr;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (times->is_null(row)) continue;
    if (current_symbol == nullptr || *current_symbol != (*series)[row]) {
      current_symbol = &(*series)[row];
      current = &dates[*current_symbol];
    }
    const int32_t day =
        is_date ? times->as<int32_t>()[row] : shanghai_date(times->as<int64_t>()[row]).days;
    if (current->empty() || current->back() != day) current->push_back(day);
  }
  for (auto& [symbol, days] : dates) {
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
  }
  return dates;
}

}  // namespace mystocks::services

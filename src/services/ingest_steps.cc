#include "services/ingest_steps.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/symbol.h"
#include "services/time_columns.h"

namespace mystocks::services {
namespace {

bool is_symbol_column(const Field& field) {
  return field.type == ColumnType::kString &&
         (field.name == "symbol" || field.name.ends_with("_symbol"));
}

bool looks_canonical(const std::string& text) {
  if (text.size() != 9 || text[6] != '.') return false;
  const std::string_view exchange(text.data() + 7, 2);
  return exchange == "SH" || exchange == "SZ" || exchange == "BJ";
}

}  // namespace

Status normalize_symbols(RecordBatch& batch) {
  std::vector<size_t> to_fix;
  for (size_t index = 0; index < batch.num_columns(); ++index) {
    if (!is_symbol_column(batch.schema().field(index))) continue;
    const Column& column = batch.column(index);
    const auto& values = column.as<std::string>();
    for (size_t row = 0; row < values.size(); ++row) {
      if (!column.is_null(row) && !looks_canonical(values[row])) {
        to_fix.push_back(index);
        break;
      }
    }
  }
  if (to_fix.empty()) return Status::ok();
  std::vector<Column> columns;
  columns.reserve(batch.num_columns());
  for (size_t index = 0; index < batch.num_columns(); ++index)
    columns.push_back(batch.column(index));
  for (size_t index : to_fix) {
    auto& values = columns[index].mutable_as<std::string>();
    const std::string& name = batch.schema().field(index).name;
    for (size_t row = 0; row < values.size(); ++row) {
      if (columns[index].is_null(row) || looks_canonical(values[row])) continue;
      Result<Symbol> symbol = Symbol::parse(values[row], fmt::format("{}[row {}]", name, row));
      if (!symbol.is_ok()) return symbol.status();
      values[row] = symbol->to_string();
    }
  }
  Result<RecordBatch> rebuilt = RecordBatch::make(batch.schema_ptr(), std::move(columns));
  if (!rebuilt.is_ok()) return rebuilt.status();
  batch = std::move(*rebuilt);
  return Status::ok();
}

StoredTail::StoredTail(DataManager& manager, const storage::TableSchema& table,
                       const IngestJobSpec& spec)
    : manager_(manager), table_(table), from_(spec.from) {
  using sources::DataType;
  const DataType type = spec.dataset.type;
  const bool keyed_by_symbol = table.column("symbol") != nullptr &&
                               type != DataType::kIndexComponents &&
                               type != DataType::kRealtimeQuotes && dataset_uses_dates(type);
  const storage::ColumnDef* time = range_column(table);
  if (!keyed_by_symbol || time == nullptr) return;
  time_column_ = time;
  query_.columns = {time->field.name};
  const storage::ColumnDef* final_flag = table.column("final");
  if (final_flag != nullptr && final_flag->field.type == ColumnType::kBool) {
    query_.columns.push_back("final");
  }
  query_.range.start = shanghai_time(spec.from, 0, 0);
  query_.range.end = shanghai_time(Date{spec.to.days + 1}, 0, 0);
  query_.order = storage::SortOrder::kDescending;
  query_.limit = 1;
  if (type == DataType::kMinute && table.column("frequency") != nullptr) {
    query_.filters.push_back(
        storage::eq("frequency", std::string(sources::interval_name(spec.dataset.interval))));
  }
}

Result<std::optional<int64_t>> StoredTail::last(const std::string& symbol) {
  if (!enabled()) return std::optional<int64_t>();
  auto cached = cache_.find(symbol);
  if (cached != cache_.end()) return cached->second;
  LoadQuery query = query_;
  query.symbols = {symbol};
  Result<RecordBatch> rows = manager_.load(table_.name, query);
  if (!rows.is_ok()) {
    return rows.status().with_context(
        fmt::format("reading what {} holds for {} (resume)", table_.name, symbol));
  }
  std::optional<int64_t> value;
  if (rows->num_rows() > 0 && !rows->column(0).is_null(0)) {
    value = time_column_->field.type == ColumnType::kDate
                ? static_cast<int64_t>(rows->column(0).as<int32_t>()[0])
                : rows->column(0).as<int64_t>()[0];
    // A provisional bar (final = false, its session was still trading) does not count as
    // stored: the fetch covers its time again and the upsert replaces it with the final bar.
    const Column* final_flag = rows->column("final");
    if (final_flag != nullptr && !final_flag->is_null(0) && final_flag->as<uint8_t>()[0] == 0) {
      *value -= 1;
    }
  }
  cache_.emplace(symbol, value);
  return value;
}

Result<Date> StoredTail::resume_date(const std::string& symbol) {
  Result<std::optional<int64_t>> tail = last(symbol);
  if (!tail.is_ok()) return tail.status();
  if (!tail->has_value()) return from_;
  if (time_column_->field.type == ColumnType::kDate) return Date{static_cast<int32_t>(**tail) + 1};
  return shanghai_date(**tail);
}

Result<int64_t> StoredTail::drop_stored(const RecordBatch& batch, std::vector<uint8_t>& keep) {
  if (!enabled() || batch.num_rows() == 0) return int64_t{0};
  const Column* symbols = batch.column("symbol");
  const Column* times = batch.column(time_column_->field.name);
  if (symbols == nullptr || times == nullptr) return int64_t{0};
  const auto& names = symbols->as<std::string>();
  const bool is_date = time_column_->field.type == ColumnType::kDate;
  int64_t dropped = 0;
  const std::string* current = nullptr;
  std::optional<int64_t> tail;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (current == nullptr || *current != names[row]) {
      current = &names[row];
      Result<std::optional<int64_t>> loaded = last(*current);
      if (!loaded.is_ok()) return loaded.status();
      tail = *loaded;
    }
    if (!tail || times->is_null(row) || !keep[row]) continue;
    const int64_t value = is_date ? times->as<int32_t>()[row] : times->as<int64_t>()[row];
    if (value <= *tail) {
      keep[row] = 0;
      ++dropped;
    }
  }
  return dropped;
}

RecordBatch keep_rows(RecordBatch&& batch, const std::vector<uint8_t>& keep, int64_t kept) {
  if (kept == static_cast<int64_t>(batch.num_rows())) return std::move(batch);
  std::vector<uint32_t> rows;
  rows.reserve(static_cast<size_t>(kept));
  for (uint32_t row = 0; row < keep.size(); ++row) {
    if (keep[row]) rows.push_back(row);
  }
  return select_rows(batch, rows);
}

Result<RecordBatch> quality_rows(const storage::TableSchema& metrics_table,
                                 const QualityReport& report, const QualityRowsContext& context) {
  const std::shared_ptr<const Schema>& schema = metrics_table.schema();
  RecordBatchBuilder builder(schema);
  auto index = [&](std::string_view name) { return schema->index_of(name).value_or(SIZE_MAX); };
  const size_t dataset = index("dataset"), check_name = index("check_name"), scope = index("scope"),
               ts = index("ts"), value = index("value"), threshold = index("threshold"),
               status = index("status"), detail = index("detail"), source = index("source");
  if (std::max({dataset, check_name, scope, ts, value, threshold, status, detail, source}) ==
      SIZE_MAX) {
    return error(ErrorCode::kSchemaMismatch,
                 "table '{}' lacks a column of dataset, check_name, scope, ts, value, threshold, "
                 "status, detail, source (config/tables.yaml)",
                 metrics_table.name);
  }
  const std::string range = fmt::format("{}..{}", context.from.to_string(), context.to.to_string());
  auto add_row = [&](QualityCheck check, const std::string& where, int64_t findings,
                     std::string text) {
    builder.append_string(dataset, context.dataset);
    builder.append_string(check_name, std::string(quality_check_name(check)));
    builder.append_string(scope, where);
    builder.append_int64(ts, context.ts);
    builder.append_double(value, static_cast<double>(findings));
    builder.append_double(threshold, 0);
    builder.append_string(status, findings == 0                  ? "ok"
                                  : quality_check_rejects(check) ? "fail"
                                                                 : "warn");
    builder.append_string(detail, std::move(text));
    if (context.source.empty()) {
      builder.append_null(source);
    } else {
      builder.append_string(source, context.source);
    }
  };
  for (size_t check_idx = 0; check_idx < kQualityCheckCount; ++check_idx) {
    const QualityCheck check = static_cast<QualityCheck>(check_idx);
    const CheckTally& tally = report[check];
    std::string text = !tally.applied
                           ? fmt::format("not applicable to {} ({})", context.dataset, range)
                           : fmt::format("{} finding(s) in {} row(s) checked, {}", tally.findings,
                                         report.rows_checked, range);
    if (!tally.example.empty()) text += "; first: " + tally.example;
    add_row(check, "all", tally.findings, std::move(text));
    size_t symbol_rows = 0;
    for (const auto& [symbol, count] : tally.by_symbol) {
      if (symbol_rows++ == context.max_symbol_rows) break;
      add_row(check, symbol, count, fmt::format("{} finding(s), {}", count, range));
    }
  }
  return builder.finish();
}

}  // namespace mystocks::services

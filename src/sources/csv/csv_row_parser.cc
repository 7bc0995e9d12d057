#include "sources/csv/csv_row_parser.h"

#include <algorithm>

#include "sources/csv/csv_values.h"
#include "sources/simulator/price_rules.h"
#include "sources/table_writer.h"

namespace mystocks::sources {
namespace {

bool is_symbol_column(std::string_view name) {
  return name == "symbol" || name.ends_with("_symbol");
}

int log10_of(int64_t multiplier) {
  int exponent = 0;
  while (multiplier > 1) {
    multiplier /= 10;
    ++exponent;
  }
  return exponent;
}

// "600519.csv", "sh600519_daily.csv", "600519.SH-2024.csv": the symbol before the first '_' or
// '-', if it parses.
std::optional<Symbol> symbol_from_file_name(std::string_view file_name) {
  const size_t slash = file_name.find_last_of('/');
  std::string_view stem = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  if (stem.ends_with(".csv") || stem.ends_with(".CSV")) stem.remove_suffix(4);
  const size_t cut = stem.find_first_of("_- ");
  if (cut != std::string_view::npos) stem = stem.substr(0, cut);
  Result<Symbol> symbol = Symbol::parse(stem);
  if (!symbol.is_ok()) return std::nullopt;
  return *symbol;
}

// Tushare writes "1min", the tables "1m".
Result<BarInterval> parse_frequency(std::string_view text) {
  if (text.ends_with("min")) text.remove_suffix(2);
  return parse_interval(text);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

// What parsing one block needs besides the immutable plan.
struct CsvRowParser::RowState {
  explicit RowState(const storage::TableSchema& table) : writer(table) {}
  TableWriter writer;
  // Parse cache: files mostly repeat one symbol.
  std::string last_symbol_text;
  std::optional<Symbol> last_symbol;
  std::string last_canonical;
};

std::string_view error_policy_name(ErrorPolicy policy) {
  return policy == ErrorPolicy::kSkip ? "skip" : "stop";
}

Result<ErrorPolicy> parse_error_policy(std::string_view name) {
  if (name == "skip") return ErrorPolicy::kSkip;
  if (name == "stop") return ErrorPolicy::kStop;
  return field_error(ErrorCode::kInvalidArgument, "on_error",
                     "error policy '{}' is unknown: expected skip or stop", name);
}

std::string CsvIssue::to_string(std::string_view file) const {
  std::string where = std::string(file) + ":" + std::to_string(line) + ":" + std::to_string(column);
  if (!header.empty()) where += " (" + header + ")";
  return where + ": " + status.message();
}

Result<CsvRowParser> CsvRowParser::build(std::string file_name, const storage::TableSchema& table,
                                         const CsvOptions& options,
                                         std::vector<std::string> headers) {
  CsvRowParser parser;
  parser.file_name_ = std::move(file_name);
  parser.table_ = &table;
  parser.options_ = options;
  parser.headers_ = std::move(headers);
  MYSTOCKS_RETURN_IF_ERROR(parser.plan_columns());
  return parser;
}

Status CsvRowParser::plan_columns() {
  std::vector<std::string_view> header_views(headers_.begin(), headers_.end());
  const HeaderProfile profile = detect_profile(header_views);
  // Each column takes the best-ranked header mapping to it; the rest are ignored.
  const Schema& schema = *table_->schema();
  plans_.resize(schema.size());
  std::vector<int> best_rank(schema.size(), 1 << 20);
  std::vector<int64_t> multipliers(schema.size(), 1);
  for (size_t field_idx = 0; field_idx < headers_.size(); ++field_idx) {
    const ResolvedHeader resolved = resolve_header(headers_[field_idx], profile, options_.mappings);
    const std::optional<size_t> column = schema.index_of(resolved.column);
    if (!column || resolved.rank >= best_rank[*column]) {
      ignored_headers_.push_back(headers_[field_idx]);
      continue;
    }
    if (plans_[*column].csv_field >= 0)
      ignored_headers_.push_back(headers_[plans_[*column].csv_field]);
    best_rank[*column] = resolved.rank;
    plans_[*column].csv_field = static_cast<int>(field_idx);
    multipliers[*column] = resolved.multiplier;
  }

  file_symbol_ = options_.symbol ? options_.symbol : symbol_from_file_name(file_name_);
  if (file_symbol_) file_canonical_ = file_symbol_->to_string();
  const bool minute_table = schema.index_of("frequency").has_value();
  std::string time_header;
  for (size_t column_idx = 0; column_idx < schema.size(); ++column_idx) {
    ColumnPlan& plan = plans_[column_idx];
    const Field& field = schema.field(column_idx);
    plan.column = static_cast<int>(column_idx);
    plan.field = &field;
    plan.is_symbol = is_symbol_column(field.name) && field.type == ColumnType::kString;
    if (plan.csv_field < 0) continue;
    plan.extra_scale = log10_of(multipliers[column_idx]);
    const bool scalable = field.type == ColumnType::kDecimal || field.type == ColumnType::kInt64;
    if (plan.extra_scale > 0 && !scalable) {
      return error(ErrorCode::kInvalidArgument,
                   "{}: header '{}' maps to column '{}' ({}) with multiplier {}, but only decimal "
                   "and int64 columns take a unit multiplier",
                   file_name_, headers_[plan.csv_field], field.name, field.type_string(),
                   multipliers[column_idx]);
    }
    if (field.name == "symbol") symbol_field_ = plan.csv_field;
    if (field.name == "name") name_field_ = plan.csv_field;
    if (field.name == "frequency") frequency_field_ = plan.csv_field;
    if (minute_table && field.name == table_->time_column) {
      plan.is_time = true;
      time_header = headers_[plan.csv_field];
    }
  }
  // Columns not in the file: derive what can be derived, else null, else refuse the file.
  const bool has_symbol_source = symbol_field_ >= 0 || file_symbol_.has_value();
  for (ColumnPlan& plan : plans_) {
    if (plan.csv_field >= 0) continue;
    const Field& field = *plan.field;
    const std::string& name = field.name;
    if (name == "symbol" && file_symbol_) {
      plan.derive = Derive::kSymbol;
    } else if ((name == "exchange" || name == "board") && has_symbol_source) {
      plan.derive = name == "exchange" ? Derive::kExchange : Derive::kBoard;
    } else if (name == "is_st") {
      plan.derive = Derive::kIsSt;
    } else if (name == "security_type") {
      plan.derive = Derive::kConstant;
      plan.constant = "stock";
    } else if (name == "status") {
      plan.derive = Derive::kConstant;
      plan.constant = "L";
    } else if (name == "source") {
      plan.derive = Derive::kConstant;
      plan.constant = "csv";
    } else if (name == "frequency") {
      plan.derive = Derive::kFrequency;
    } else if (minute_table && name == "final" && field.type == ColumnType::kBool) {
      plan.derive = Derive::kFinal;
    } else if (name == "updated_at" || name == "computed_at" || name == "created_at") {
      plan.derive = Derive::kNow;
    } else if (!field.nullable) {
      if (is_symbol_column(name) || name == "exchange" || name == "board") {
        return field_error(ErrorCode::kSchemaMismatch, "symbol",
                           "{}: table '{}' needs a symbol: add a symbol column (股票代码, ts_code, "
                           "code, ...), name the file after it (600519.SH.csv) or pass --symbol",
                           file_name_, table_->name);
      }
      return field_error(ErrorCode::kSchemaMismatch, name,
                         "{}: no column for '{}' of table '{}': expected a header such as {} (or "
                         "map one with csv_columns: header={}); headers found: {}",
                         file_name_, name, table_->name, join(aliases_of(name)), name,
                         join(headers_));
    }
  }
  std::string folded_time = time_header;
  for (char& c : folded_time) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  end_labelled_ = minute_table && (options_.bar_label == BarLabel::kEnd ||
                                   (options_.bar_label == BarLabel::kAuto &&
                                    (folded_time == "时间" || folded_time == "trade_time")));
  return Status::ok();
}

std::optional<CsvIssue> CsvRowParser::parse_field(const ColumnPlan& plan, std::string_view text,
                                                  int interval_minutes_for_row,
                                                  RowState& state) const {
  TableWriter& writer = state.writer;
  const Field& field = *plan.field;
  const std::string& header = headers_[plan.csv_field];
  auto fail = [&](Status status) {
    CsvIssue issue;
    issue.column = plan.csv_field + 1;
    issue.header = header;
    issue.status = std::move(status);
    return std::optional<CsvIssue>(std::move(issue));
  };
  switch (field.type) {
    case ColumnType::kDecimal:
    case ColumnType::kInt64: {
      Result<int64_t> units = parse_scaled(
          text, field.type == ColumnType::kDecimal ? field.scale : 0, plan.extra_scale, header);
      if (!units.is_ok()) return fail(units.status());
      writer.put_int64(plan.column, *units);
      break;
    }
    case ColumnType::kInt32: {
      Result<int32_t> value = parse_int32_field(text, header);
      if (!value.is_ok()) return fail(value.status());
      writer.put_int32(plan.column, *value);
      break;
    }
    case ColumnType::kDouble: {
      Result<double> value = parse_double_field(text, header);
      if (!value.is_ok()) return fail(value.status());
      writer.put_double(plan.column, *value);
      break;
    }
    case ColumnType::kDate: {
      Result<Date> value = parse_date_field(text, header);
      if (!value.is_ok()) return fail(value.status());
      writer.put_int32(plan.column, value->days);
      break;
    }
    case ColumnType::kTimestamp: {
      Result<TimestampMs> value = parse_time_field(text, header);
      if (!value.is_ok()) return fail(value.status());
      TimestampMs ts = *value;
      if (plan.is_time && end_labelled_) ts -= interval_minutes_for_row * kMillisPerMinute;
      writer.put_int64(plan.column, ts);
      break;
    }
    case ColumnType::kBool: {
      Result<bool> value = parse_bool_field(text, header);
      if (!value.is_ok()) return fail(value.status());
      writer.put_bool(plan.column, *value);
      break;
    }
    case ColumnType::kString:
      writer.put_string(plan.column, text);
      break;
  }
  return std::nullopt;
}

std::optional<CsvIssue> CsvRowParser::parse_row(const CsvRecord& record, RowState& state) const {
  TableWriter& writer = state.writer;
  auto fail = [&](int field_idx, Status status) {
    CsvIssue issue;
    issue.line = record.line;
    issue.column = field_idx + 1;
    issue.header = field_idx >= 0 ? headers_[field_idx] : std::string();
    issue.status = std::move(status);
    writer.abandon_row();
    return std::optional<CsvIssue>(std::move(issue));
  };
  // The row's symbol first: exchange and board derive from it.
  const Symbol* row_symbol = file_symbol_ ? &*file_symbol_ : nullptr;
  std::string_view canonical = file_canonical_;
  if (symbol_field_ >= 0) {
    const std::string_view text = record.fields[symbol_field_];
    if (text != state.last_symbol_text || !state.last_symbol) {
      Result<Symbol> parsed = Symbol::parse(text, headers_[symbol_field_]);
      if (!parsed.is_ok()) return fail(symbol_field_, parsed.status());
      state.last_symbol_text.assign(text);
      state.last_symbol = *parsed;
      state.last_canonical = parsed->to_string();
    }
    row_symbol = &*state.last_symbol;
    canonical = state.last_canonical;
  }
  int interval_minutes_for_row = interval_minutes(options_.frequency);
  std::string_view frequency_text = interval_name(options_.frequency);
  if (frequency_field_ >= 0) {
    Result<BarInterval> interval = parse_frequency(record.fields[frequency_field_]);
    if (!interval.is_ok()) return fail(frequency_field_, interval.status());
    interval_minutes_for_row = interval_minutes(*interval);
    frequency_text = interval_name(*interval);
  }

  for (const ColumnPlan& plan : plans_) {
    const Field& field = *plan.field;
    if (plan.csv_field < 0) {
      switch (plan.derive) {
        case Derive::kNone:
          writer.put_null(plan.column);
          break;
        case Derive::kSymbol:
          writer.put_string(plan.column, canonical);
          break;
        case Derive::kExchange:
          writer.put_string(plan.column, exchange_name(row_symbol->exchange()));
          break;
        case Derive::kBoard:
          writer.put_string(plan.column, board_name(board_of(*row_symbol)));
          break;
        case Derive::kIsSt: {
          const std::string_view name = name_field_ >= 0 ? record.fields[name_field_] : "";
          writer.put_bool(plan.column, name.starts_with("ST") || name.starts_with("*ST"));
          break;
        }
        case Derive::kConstant:
          writer.put_string(plan.column, plan.constant);
          break;
        case Derive::kNow:
          writer.put_int64(plan.column, options_.now);
          break;
        case Derive::kFrequency:
          writer.put_string(plan.column, frequency_text);
          break;
        case Derive::kFinal:
          writer.put_bool(plan.column, true);
          break;
      }
      continue;
    }
    const std::string_view text = record.fields[plan.csv_field];
    const std::string& header = headers_[plan.csv_field];
    if (is_null_token(text)) {
      if (!field.nullable) {
        return fail(plan.csv_field, field_error(ErrorCode::kInvalidArgument, header,
                                                "{} is empty, but column '{}' requires a value",
                                                header, field.name));
      }
      writer.put_null(plan.column);
      continue;
    }
    if (plan.is_symbol) {
      if (plan.csv_field == symbol_field_) {
        writer.put_string(plan.column, canonical);
        continue;
      }
      Result<Symbol> parsed = Symbol::parse(text, header);
      if (!parsed.is_ok()) return fail(plan.csv_field, parsed.status());
      writer.put_string(plan.column, parsed->to_string());
      continue;
    }
    if (field.type == ColumnType::kString && field.name == "frequency") {
      writer.put_string(plan.column, frequency_text);
      continue;
    }
    std::optional<CsvIssue> issue = parse_field(plan, text, interval_minutes_for_row, state);
    if (issue) return fail(plan.csv_field, std::move(issue->status));
  }
  writer.end_row();
  return std::nullopt;
}

CsvBlockRows CsvRowParser::parse_block(std::string_view text, int64_t first_line,
                                       size_t max_records) const {
  CsvBlockRows out;
  CsvChunk& chunk = out.chunk;
  RowState state(*table_);
  state.writer.reserve(max_records);
  chunk.row_lines.reserve(max_records);
  CsvTokenizer tokenizer(text, options_.delimiter, first_line);
  CsvRecord record;
  const size_t expected_fields = headers_.size();
  while (true) {
    Result<bool> more = tokenizer.next(record);
    std::optional<CsvIssue> issue;
    if (!more.is_ok()) {
      CsvIssue malformed;
      malformed.line = tokenizer.error_line();
      malformed.column = tokenizer.error_column();
      if (malformed.column >= 1 && static_cast<size_t>(malformed.column) <= headers_.size()) {
        malformed.header = headers_[malformed.column - 1];
      }
      malformed.status = more.status();
      issue = std::move(malformed);
    } else if (!*more) {
      break;
    } else if (record.fields.size() != expected_fields) {
      CsvIssue wrong;
      wrong.line = record.line;
      wrong.status = error(ErrorCode::kInvalidArgument,
                           "the line has {} fields, the header has {} (an unquoted delimiter, or "
                           "a missing value?)",
                           record.fields.size(), expected_fields);
      issue = std::move(wrong);
    } else {
      issue = parse_row(record, state);
    }
    ++chunk.rows_read;
    if (!issue) {
      chunk.row_lines.push_back(record.line);
      continue;
    }
    if (options_.on_error == ErrorPolicy::kStop) {
      out.stopped = Status(issue->status.code(), issue->to_string(file_name_), issue->header);
      break;  // the rows before the bad line stay: the reader hands them out first
    }
    ++chunk.rows_skipped;
    if (chunk.issues.size() < options_.max_issues) chunk.issues.push_back(std::move(*issue));
  }
  Result<RecordBatch> batch = state.writer.finish();
  if (!batch.is_ok()) {
    out.stopped = batch.status().with_context(file_name_);
    out.chunk = CsvChunk{};  // nothing of the block is half-written
    return out;
  }
  chunk.batch = std::move(batch).value();
  return out;
}

}  // namespace mystocks::sources

#include "storage/tsdb/aggregator.h"

#include <algorithm>
#include <limits>

namespace mystocks::tsdb {
namespace {

using storage::AggregateFunction;

std::string_view function_name(AggregateFunction function) {
  switch (function) {
    case AggregateFunction::kFirst: return "first";
    case AggregateFunction::kLast: return "last";
    case AggregateFunction::kMin: return "min";
    case AggregateFunction::kMax: return "max";
    case AggregateFunction::kSum: return "sum";
    case AggregateFunction::kCount: return "count";
    case AggregateFunction::kAvg: return "avg";
  }
  return "?";
}

bool is_integer_like(ColumnType type) {
  return type != ColumnType::kDouble && type != ColumnType::kString;
}

constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,
                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};

int64_t integer_at(const Column& column, ColumnType type, size_t row) {
  switch (type) {
    case ColumnType::kBool: return column.as<uint8_t>()[row];
    case ColumnType::kInt32:
    case ColumnType::kDate: return column.as<int32_t>()[row];
    default: return column.as<int64_t>()[row];
  }
}

void push_integer(Column& column, ColumnType type, int64_t value) {
  switch (type) {
    case ColumnType::kBool: column.mutable_as<uint8_t>().push_back(value != 0 ? 1 : 0); break;
    case ColumnType::kInt32:
    case ColumnType::kDate: column.mutable_as<int32_t>().push_back(static_cast<int32_t>(value)); break;
    default: column.mutable_as<int64_t>().push_back(value); break;
  }
}

void push_validity(Column& column, bool valid) {
  std::vector<uint8_t>& validity = column.mutable_validity();
  if (validity.empty() && valid) return;  // still all valid: no flags needed
  validity.resize(column.size() - 1, 1);
  validity.push_back(valid ? 1 : 0);
}

}  // namespace

Result<AggregatePlan> plan_aggregate(const TableInfo& table, const storage::AggregateQuery& query) {
  AggregatePlan plan;
  std::vector<Field> fields;
  for (size_t tag : table.tag_indices) fields.push_back(table.field(tag));
  Field time = table.field(table.time_index);
  fields.push_back(time);
  if (query.aggregates.empty()) {
    return field_error(ErrorCode::kInvalidArgument, "aggregates",
                       "table '{}': an aggregation needs at least one aggregate", table.name());
  }
  for (const storage::Aggregate& aggregate : query.aggregates) {
    const std::optional<size_t> column = table.column_index(aggregate.column);
    const std::string label =
        fmt::format("{}({})", function_name(aggregate.function), aggregate.column);
    if (!column) {
      return field_error(ErrorCode::kInvalidArgument, aggregate.column,
                         "table '{}' has no column '{}' for {}", table.name(), aggregate.column,
                         label);
    }
    if (table.is_tag(*column)) {
      return field_error(ErrorCode::kInvalidArgument, aggregate.column,
                         "table '{}': {} aggregates a tag column; tags are in every output row",
                         table.name(), label);
    }
    AggregatePlan::Item item;
    const Field& input = table.field(*column);
    item.type = input.type;
    item.scale = input.scale;
    item.function = aggregate.function;
    if (*column != table.time_index) {
      const auto value = static_cast<size_t>(
          std::find(table.value_indices.begin(), table.value_indices.end(), *column) -
          table.value_indices.begin());
      auto known = std::find(plan.selection.begin(), plan.selection.end(), value);
      item.input = static_cast<size_t>(known - plan.selection.begin());
      if (known == plan.selection.end()) plan.selection.push_back(value);
    }
    Field output = input;
    output.name = aggregate.output.empty() ? aggregate.column : aggregate.output;
    output.nullable = true;
    const bool temporal = input.type == ColumnType::kTimestamp || input.type == ColumnType::kDate;
    switch (aggregate.function) {
      case AggregateFunction::kCount:
        output.type = ColumnType::kInt64;
        output.scale = 0;
        output.nullable = false;
        break;
      case AggregateFunction::kSum:
        if (input.type == ColumnType::kString || temporal) {
          return field_error(ErrorCode::kInvalidArgument, aggregate.column,
                             "table '{}': {} is not defined for {} columns", table.name(), label,
                             input.type_string());
        }
        if (input.type != ColumnType::kDouble && input.type != ColumnType::kDecimal) {
          output.type = ColumnType::kInt64;
        }
        break;
      case AggregateFunction::kAvg:
        if (input.type == ColumnType::kString || temporal) {
          return field_error(ErrorCode::kInvalidArgument, aggregate.column,
                             "table '{}': {} is not defined for {} columns", table.name(), label,
                             input.type_string());
        }
        output.type = ColumnType::kDouble;
        output.scale = 0;
        break;
      default:
        break;
    }
    for (const Field& existing : fields) {
      if (existing.name == output.name) {
        return field_error(ErrorCode::kInvalidArgument, output.name,
                           "table '{}': output column '{}' of {} is already taken; set "
                           "Aggregate::output",
                           table.name(), output.name, label);
      }
    }
    item.output = output;
    fields.push_back(output);
    plan.items.push_back(std::move(item));
  }
  plan.output_schema = std::make_shared<const Schema>(std::move(fields));
  return plan;
}

AggregateBuilder::AggregateBuilder(const TableInfo& table, const AggregatePlan& plan,
                                   Bucketer bucketer)
    : table_(table), plan_(plan), bucketer_(bucketer), states_(plan.items.size()) {
  for (const Field& field : plan.output_schema->fields()) {
    columns_.emplace_back(empty_values_for(field.type));
  }
}

void AggregateBuilder::begin_series(const std::vector<std::string>& tags) {
  tags_ = tags;
  bucket_ = Bucketer::kNoBucket;
}

void AggregateBuilder::accumulate(State& state, const AggregatePlan::Item& item,
                                  const SeriesRows& rows, size_t begin, size_t end) {
  using storage::AggregateFunction;
  const AggregateFunction function = item.function;
  const bool scan_min = function == AggregateFunction::kMin;
  const bool scan_max = function == AggregateFunction::kMax;
  const bool scan_sum = function == AggregateFunction::kSum || function == AggregateFunction::kAvg;
  if (!item.input) {  // the time column: sorted, never null
    if (state.count == 0) state.first_i = state.min_i = rows.ts[begin];
    state.last_i = state.max_i = rows.ts[end - 1];
    if (scan_sum) {
      for (size_t row = begin; row < end; ++row) state.sum_i += rows.ts[row];
    }
    state.count += static_cast<int64_t>(end - begin);
    return;
  }
  const Column& column = rows.columns[*item.input];
  const bool has_nulls = !column.validity().empty();
  if (!has_nulls && (item.type == ColumnType::kInt64 || item.type == ColumnType::kDecimal ||
                     item.type == ColumnType::kTimestamp)) {
    // The common case (prices, volumes): tight loops over a contiguous range, only what the
    // function needs.
    const int64_t* values = column.as<int64_t>().data();
    if (state.count == 0) state.first_i = state.min_i = state.max_i = values[begin];
    state.last_i = values[end - 1];
    if (scan_min) {
      int64_t low = state.min_i;
      for (size_t row = begin; row < end; ++row) low = std::min(low, values[row]);
      state.min_i = low;
    } else if (scan_max) {
      int64_t high = state.max_i;
      for (size_t row = begin; row < end; ++row) high = std::max(high, values[row]);
      state.max_i = high;
    } else if (scan_sum) {
      for (size_t row = begin; row < end; ++row) state.sum_i += values[row];
    }
    state.count += static_cast<int64_t>(end - begin);
    return;
  }
  for (size_t row = begin; row < end; ++row) {
    if (has_nulls && column.is_null(row)) continue;
    if (item.type == ColumnType::kDouble) {
      const double value = column.as<double>()[row];
      if (state.count == 0) state.first_d = state.min_d = state.max_d = value;
      state.last_d = value;
      state.min_d = std::min(state.min_d, value);
      state.max_d = std::max(state.max_d, value);
      state.sum_d += value;
    } else if (item.type == ColumnType::kString) {
      const std::string& value = column.as<std::string>()[row];
      if (state.count == 0) state.first_s = state.min_s = state.max_s = value;
      state.last_s = value;
      if (value < state.min_s) state.min_s = value;
      if (value > state.max_s) state.max_s = value;
    } else {
      const int64_t value = integer_at(column, item.type, row);
      if (state.count == 0) state.first_i = state.min_i = state.max_i = value;
      state.last_i = value;
      state.min_i = std::min(state.min_i, value);
      state.max_i = std::max(state.max_i, value);
      state.sum_i += value;
    }
    ++state.count;
  }
}

void AggregateBuilder::reset(State& state) {
  state.count = 0;
  state.first_i = state.last_i = state.min_i = state.max_i = 0;
  state.sum_i = 0;
  state.first_d = state.last_d = state.min_d = state.max_d = state.sum_d = 0;
  state.first_s.clear();
  state.last_s.clear();
  state.min_s.clear();
  state.max_s.clear();
}

Status AggregateBuilder::emit_bucket() {
  size_t column = 0;
  for (const std::string& tag : tags_) columns_[column++].mutable_as<std::string>().push_back(tag);
  columns_[column++].mutable_as<int64_t>().push_back(bucket_);
  for (size_t index = 0; index < plan_.items.size(); ++index, ++column) {
    const AggregatePlan::Item& item = plan_.items[index];
    State& state = states_[index];
    Column& out = columns_[column];
    const bool integer = is_integer_like(item.type);
    if (item.function == AggregateFunction::kCount) {
      out.mutable_as<int64_t>().push_back(state.count);
      reset(state);
      continue;
    }
    const bool valid = state.count > 0;
    switch (item.function) {
      case AggregateFunction::kFirst:
      case AggregateFunction::kLast:
      case AggregateFunction::kMin:
      case AggregateFunction::kMax: {
        const bool first = item.function == AggregateFunction::kFirst;
        const bool last = item.function == AggregateFunction::kLast;
        const bool min = item.function == AggregateFunction::kMin;
        if (item.type == ColumnType::kDouble) {
          out.mutable_as<double>().push_back(first ? state.first_d
                                             : last ? state.last_d
                                             : min  ? state.min_d
                                                    : state.max_d);
        } else if (item.type == ColumnType::kString) {
          out.mutable_as<std::string>().push_back(first ? state.first_s
                                                  : last ? state.last_s
                                                  : min  ? state.min_s
                                                         : state.max_s);
        } else {
          push_integer(out, item.output.type,
                       first ? state.first_i : last ? state.last_i : min ? state.min_i : state.max_i);
        }
        break;
      }
      case AggregateFunction::kSum:
        if (integer) {
          if (state.sum_i > std::numeric_limits<int64_t>::max() ||
              state.sum_i < std::numeric_limits<int64_t>::min()) {
            return field_error(ErrorCode::kOutOfRange, item.output.name,
                               "table '{}': sum of '{}' overflows int64 in the bucket at {}",
                               table_.name(), item.output.name, bucket_);
          }
          out.mutable_as<int64_t>().push_back(static_cast<int64_t>(state.sum_i));
        } else {
          out.mutable_as<double>().push_back(state.sum_d);
        }
        break;
      case AggregateFunction::kAvg: {
        double average = 0;
        if (valid) {
          average = integer ? static_cast<double>(state.sum_i) / static_cast<double>(state.count) /
                                  kPowersOfTen[item.type == ColumnType::kDecimal ? item.scale : 0]
                            : state.sum_d / static_cast<double>(state.count);
        }
        out.mutable_as<double>().push_back(average);
        break;
      }
      case AggregateFunction::kCount:
        break;
    }
    push_validity(out, valid);
    reset(state);
  }
  return Status::ok();
}

Status AggregateBuilder::add(const SeriesRows& rows) {
  const std::vector<int64_t>& ts = rows.ts;
  Bucketer::Span span{Bucketer::kNoBucket, 1, 0};  // empty: forces the first lookup
  size_t row = 0;
  while (row < ts.size()) {
    if (ts[row] < span.valid_from || ts[row] >= span.valid_to) span = bucketer_.span(ts[row]);
    // Rows are sorted: those up to valid_to share the bucket.
    size_t end = row + 1;
    while (end < ts.size() && ts[end] < span.valid_to) ++end;
    if (span.bucket != Bucketer::kNoBucket) {
      if (span.bucket != bucket_) {
        if (bucket_ != Bucketer::kNoBucket) MYSTOCKS_RETURN_IF_ERROR(emit_bucket());
        bucket_ = span.bucket;
      }
      for (size_t index = 0; index < plan_.items.size(); ++index) {
        accumulate(states_[index], plan_.items[index], rows, row, end);
      }
    }
    row = end;
  }
  return Status::ok();
}

Status AggregateBuilder::end_series() {
  if (bucket_ != Bucketer::kNoBucket) MYSTOCKS_RETURN_IF_ERROR(emit_bucket());
  bucket_ = Bucketer::kNoBucket;
  return Status::ok();
}

Result<RecordBatch> AggregateBuilder::finish() {
  return RecordBatch::make(plan_.output_schema, std::move(columns_));
}

}  // namespace mystocks::tsdb

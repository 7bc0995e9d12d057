#include "sources/batch_ops.h"

#include <algorithm>
#include <unordered_map>

namespace mystocks::sources {

Result<RecordBatch> concat_batches(std::span<const RecordBatch> batches,
                                   std::shared_ptr<const Schema> schema) {
  size_t total = 0;
  for (const RecordBatch& batch : batches) {
    if (!(batch.schema() == *schema)) {
      return error(ErrorCode::kSchemaMismatch,
                   "cannot concatenate batches with different schemas ({} vs {} columns)",
                   batch.schema().size(), schema->size());
    }
    total += batch.num_rows();
  }
  std::vector<Column> columns;
  columns.reserve(schema->size());
  for (size_t column_idx = 0; column_idx < schema->size(); ++column_idx) {
    ColumnValues values = empty_values_for(schema->field(column_idx).type);
    std::vector<uint8_t> validity;
    const bool any_nulls = std::any_of(batches.begin(), batches.end(), [&](const RecordBatch& b) {
      return b.column(column_idx).has_nulls();
    });
    if (any_nulls) validity.reserve(total);
    std::visit(
        [&](auto& out) {
          using Vector = std::decay_t<decltype(out)>;
          out.reserve(total);
          for (const RecordBatch& batch : batches) {
            const Column& column = batch.column(column_idx);
            const Vector& in = std::get<Vector>(column.values());
            out.insert(out.end(), in.begin(), in.end());
            if (!any_nulls) continue;
            if (column.validity().empty()) {
              validity.insert(validity.end(), in.size(), 1);
            } else {
              validity.insert(validity.end(), column.validity().begin(), column.validity().end());
            }
          }
        },
        values);
    columns.emplace_back(std::move(values), std::move(validity));
  }
  return RecordBatch::make(std::move(schema), std::move(columns));
}

RecordBatch take_rows(const RecordBatch& batch, std::span<const uint32_t> rows) {
  std::vector<Column> columns;
  columns.reserve(batch.num_columns());
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    const Column& column = batch.column(column_idx);
    ColumnValues values = empty_values_for(batch.schema().field(column_idx).type);
    std::vector<uint8_t> validity;
    std::visit(
        [&](auto& out) {
          using Vector = std::decay_t<decltype(out)>;
          const Vector& in = std::get<Vector>(column.values());
          out.reserve(rows.size());
          for (uint32_t row : rows) out.push_back(in[row]);
        },
        values);
    if (column.has_nulls()) {
      validity.reserve(rows.size());
      for (uint32_t row : rows) validity.push_back(column.validity()[row]);
    }
    columns.emplace_back(std::move(values), std::move(validity));
  }
  // Same schema and consistent columns: make() cannot fail here.
  Result<RecordBatch> result = RecordBatch::make(batch.schema_ptr(), std::move(columns));
  return result.is_ok() ? std::move(result).value() : RecordBatch();
}

namespace {

// The typed time values of `column` when it is an int32 or int64 column (what the sort orders
// on); both null otherwise.
struct TimeValues {
  const std::vector<int32_t>* days = nullptr;
  const std::vector<int64_t>* instants = nullptr;
  bool present() const { return days != nullptr || instants != nullptr; }
  int64_t at(size_t row) const { return days != nullptr ? (*days)[row] : (*instants)[row]; }
};

TimeValues time_values(const Column* column) {
  TimeValues values;
  if (column == nullptr) return values;
  values.days = std::get_if<std::vector<int32_t>>(&column->values());
  values.instants = std::get_if<std::vector<int64_t>>(&column->values());
  return values;
}

const std::vector<std::string>* key_values(const Column* column) {
  return column == nullptr ? nullptr : std::get_if<std::vector<std::string>>(&column->values());
}

}  // namespace

bool ordered_by_key_time(std::span<const RecordBatch> batches, std::string_view key,
                         std::string_view time) {
  // order_by_key_time sorts on keys only when every batch has them, likewise times.
  bool has_keys = true;
  bool has_times = true;
  for (const RecordBatch& batch : batches) {
    has_keys = has_keys && key_values(batch.column(key)) != nullptr;
    has_times = has_times && time_values(batch.column(time)).present();
  }
  const std::string* previous_key = nullptr;
  int64_t previous_time = 0;
  bool first = true;
  for (const RecordBatch& batch : batches) {
    const std::vector<std::string>* keys = has_keys ? key_values(batch.column(key)) : nullptr;
    const TimeValues times = has_times ? time_values(batch.column(time)) : TimeValues{};
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      const int64_t now = has_times ? times.at(row) : 0;
      const std::string* now_key = keys != nullptr ? &(*keys)[row] : nullptr;
      if (!first) {
        const int by_key = keys != nullptr ? previous_key->compare(*now_key) : 0;
        if (by_key > 0 || (by_key == 0 && now < previous_time)) return false;
      }
      previous_key = now_key;
      previous_time = now;
      first = false;
    }
  }
  return true;
}

std::vector<uint32_t> order_by_key_time(std::span<const RecordBatch> batches,
                                        std::string_view key, std::string_view time) {
  size_t total = 0;
  for (const RecordBatch& batch : batches) total += batch.num_rows();
  std::vector<uint32_t> order(total);
  for (uint32_t row = 0; row < order.size(); ++row) order[row] = row;
  if (ordered_by_key_time(batches, key, time)) return order;  // files usually are
  // Keys and times of every row, batches in sequence; keys absent when a batch lacks a string
  // column `key`, times when it lacks an int32/int64 column `time` (dates are int32 days).
  std::vector<std::string_view> keys;
  std::vector<int64_t> times;
  bool has_keys = true;
  bool has_times = true;
  for (const RecordBatch& batch : batches) {
    const Column* key_column = batch.column(key);
    if (key_column == nullptr ||
        !std::holds_alternative<std::vector<std::string>>(key_column->values())) {
      has_keys = false;
    } else if (has_keys) {
      for (const std::string& value : key_column->as<std::string>()) keys.emplace_back(value);
    }
    const Column* time_column = batch.column(time);
    bool appended = false;
    if (time_column != nullptr && has_times) {
      std::visit(
          [&](const auto& values) {
            using Value = typename std::decay_t<decltype(values)>::value_type;
            if constexpr (std::is_same_v<Value, int32_t> || std::is_same_v<Value, int64_t>) {
              times.insert(times.end(), values.begin(), values.end());
              appended = true;
            }
          },
          time_column->values());
    }
    if (!appended) has_times = false;
  }
  if (!has_times) times.clear();
  auto by_time = [&](uint32_t a, uint32_t b) { return times[a] < times[b]; };
  if (!has_keys) {
    if (!times.empty()) std::stable_sort(order.begin(), order.end(), by_time);
    return order;
  }
  // A few hundred distinct symbols over millions of rows: rank the distinct keys once, place
  // rows into per-key buckets (a stable counting sort), then order each bucket by time only
  // where it is not in order already (files usually are).
  std::unordered_map<std::string_view, uint32_t> ids;
  std::vector<std::string_view> distinct;
  std::vector<uint32_t> row_ids(keys.size());
  for (size_t row = 0; row < keys.size(); ++row) {
    auto [found, added] = ids.try_emplace(keys[row], static_cast<uint32_t>(distinct.size()));
    if (added) distinct.push_back(keys[row]);
    row_ids[row] = found->second;
  }
  std::vector<uint32_t> by_key(distinct.size());
  for (uint32_t id = 0; id < by_key.size(); ++id) by_key[id] = id;
  std::sort(by_key.begin(), by_key.end(),
            [&](uint32_t a, uint32_t b) { return distinct[a] < distinct[b]; });
  std::vector<uint32_t> rank(distinct.size());
  for (uint32_t position = 0; position < by_key.size(); ++position) rank[by_key[position]] = position;
  std::vector<size_t> start(distinct.size() + 1, 0);
  for (uint32_t id : row_ids) ++start[rank[id] + 1];
  for (size_t bucket = 1; bucket < start.size(); ++bucket) start[bucket] += start[bucket - 1];
  std::vector<size_t> next(start.begin(), start.end() - 1);
  for (uint32_t row = 0; row < row_ids.size(); ++row) order[next[rank[row_ids[row]]]++] = row;
  if (!times.empty()) {
    for (size_t bucket = 0; bucket + 1 < start.size(); ++bucket) {
      const auto first = order.begin() + static_cast<std::ptrdiff_t>(start[bucket]);
      const auto last = order.begin() + static_cast<std::ptrdiff_t>(start[bucket + 1]);
      if (!std::is_sorted(first, last, by_time)) std::stable_sort(first, last, by_time);
    }
  }
  return order;
}

std::vector<uint32_t> order_by_key_time(const RecordBatch& batch, std::string_view key,
                                        std::string_view time) {
  return order_by_key_time(std::span<const RecordBatch>(&batch, 1), key, time);
}

Result<RecordBatch> take_rows(std::span<const RecordBatch> batches,
                              std::span<const uint32_t> rows,
                              std::shared_ptr<const Schema> schema) {
  for (const RecordBatch& batch : batches) {
    if (!(batch.schema() == *schema)) {
      return error(ErrorCode::kSchemaMismatch,
                   "cannot combine batches with different schemas ({} vs {} columns)",
                   batch.schema().size(), schema->size());
    }
  }
  // Where each row number lives: its batch and its row there.
  std::vector<uint32_t> batch_of;
  std::vector<uint32_t> row_in;
  for (uint32_t batch_idx = 0; batch_idx < batches.size(); ++batch_idx) {
    const size_t count = batches[batch_idx].num_rows();
    batch_of.insert(batch_of.end(), count, batch_idx);
    for (uint32_t row = 0; row < count; ++row) row_in.push_back(row);
  }
  std::vector<Column> columns;
  columns.reserve(schema->size());
  for (size_t column_idx = 0; column_idx < schema->size(); ++column_idx) {
    ColumnValues values = empty_values_for(schema->field(column_idx).type);
    std::vector<uint8_t> validity;
    const bool any_nulls = std::any_of(batches.begin(), batches.end(), [&](const RecordBatch& b) {
      return b.column(column_idx).has_nulls();
    });
    std::visit(
        [&](auto& out) {
          using Vector = std::decay_t<decltype(out)>;
          std::vector<const Vector*> inputs;
          for (const RecordBatch& batch : batches) {
            inputs.push_back(&std::get<Vector>(batch.column(column_idx).values()));
          }
          out.reserve(rows.size());
          for (uint32_t row : rows) out.push_back((*inputs[batch_of[row]])[row_in[row]]);
        },
        values);
    if (any_nulls) {
      validity.reserve(rows.size());
      for (uint32_t row : rows) {
        const Column& column = batches[batch_of[row]].column(column_idx);
        validity.push_back(column.validity().empty() ? 1 : column.validity()[row_in[row]]);
      }
    }
    columns.emplace_back(std::move(values), std::move(validity));
  }
  return RecordBatch::make(std::move(schema), std::move(columns));
}

}  // namespace mystocks::sources

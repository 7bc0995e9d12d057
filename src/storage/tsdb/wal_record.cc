#include "storage/tsdb/wal_record.h"

#include <bit>
#include <cstring>
#include <limits>
#include <memory>

#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/codec_string.h"

namespace mystocks::tsdb {
namespace {

constexpr uint8_t kHasValidity = 1;

template <typename T>
void put_int_deltas(const std::vector<T>& values, std::string& out) {
  append_unfilled(out, values.size() * kMaxVarintBytes, [&](char* cursor) {
    uint64_t previous = 0;
    for (T value : values) {
      const auto current = static_cast<uint64_t>(static_cast<int64_t>(value));
      cursor = put_varint_raw(cursor, zigzag_encode(static_cast<int64_t>(current - previous)));
      previous = current;
    }
    return cursor;
  });
}

template <typename T>
bool get_int_deltas(ByteReader& in, size_t rows, std::vector<T>& values) {
  values.resize(rows);
  uint64_t current = 0;
  for (size_t row = 0; row < rows; ++row) {
    uint64_t raw = 0;
    if (!in.get_varint(raw)) return false;
    current += static_cast<uint64_t>(zigzag_decode(raw));
    values[row] = static_cast<T>(static_cast<int64_t>(current));
  }
  return true;
}

void put_values(ColumnType type, const Column& column, std::string& out) {
  ByteWriter writer(out);
  switch (type) {
    case ColumnType::kBool:
      writer.put_bytes(std::string_view(reinterpret_cast<const char*>(column.as<uint8_t>().data()),
                                        column.size()));
      return;
    case ColumnType::kInt32:
    case ColumnType::kDate:
      put_int_deltas(column.as<int32_t>(), out);
      return;
    case ColumnType::kInt64:
    case ColumnType::kDecimal:
    case ColumnType::kTimestamp:
      put_int_deltas(column.as<int64_t>(), out);
      return;
    case ColumnType::kDouble:
      writer.put_bytes(std::string_view(reinterpret_cast<const char*>(column.as<double>().data()),
                                        column.size() * sizeof(double)));
      return;
    case ColumnType::kString: {
      const std::vector<std::string>& values = column.as<std::string>();
      std::string runs;
      ByteWriter run_writer(runs);
      size_t run_count = 0;
      for (size_t row = 0; row < values.size();) {
        size_t end = row + 1;
        while (end < values.size() && values[end] == values[row]) ++end;
        run_writer.put_varint(end - row);
        run_writer.put_string(values[row]);
        ++run_count;
        row = end;
      }
      writer.put_varint(run_count);
      writer.put_bytes(runs);
      return;
    }
  }
}

bool get_values(ColumnType type, ByteReader& in, size_t rows, ColumnValues& values) {
  switch (type) {
    case ColumnType::kBool: {
      std::string_view bytes;
      if (!in.get_bytes(rows, bytes)) return false;
      values = std::vector<uint8_t>(bytes.begin(), bytes.end());
      return true;
    }
    case ColumnType::kInt32:
    case ColumnType::kDate:
      return get_int_deltas(in, rows, std::get<std::vector<int32_t>>(values));
    case ColumnType::kInt64:
    case ColumnType::kDecimal:
    case ColumnType::kTimestamp:
      return get_int_deltas(in, rows, std::get<std::vector<int64_t>>(values));
    case ColumnType::kDouble: {
      std::string_view bytes;
      if (rows > std::numeric_limits<size_t>::max() / 8 || !in.get_bytes(rows * 8, bytes)) {
        return false;
      }
      auto& doubles = std::get<std::vector<double>>(values);
      doubles.resize(rows);
      // No memcpy for zero rows: an empty vector's data() may be null, and memcpy from or to
      // null is undefined even for zero bytes (found by fuzzing, tests/fuzz/tsdb_wal_fuzz.cc).
      if (!bytes.empty()) std::memcpy(doubles.data(), bytes.data(), bytes.size());
      return true;
    }
    case ColumnType::kString: {
      uint64_t run_count = 0;
      if (!in.get_count(run_count, rows)) return false;
      auto& strings = std::get<std::vector<std::string>>(values);
      strings.reserve(rows);
      for (uint64_t run = 0; run < run_count; ++run) {
        uint64_t length = 0;
        std::string_view value;
        if (!in.get_count(length, rows - strings.size()) || !in.get_string(value)) return false;
        strings.insert(strings.end(), length, std::string(value));
      }
      return strings.size() == rows;
    }
  }
  return false;
}

Status malformed(std::string_view what) {
  return error(ErrorCode::kDataLoss, "WAL record is malformed: {}", what);
}

}  // namespace

bool is_wal_record_type(uint8_t type) {
  return type >= static_cast<uint8_t>(WalRecordType::kWrite) &&
         type <= static_cast<uint8_t>(WalRecordType::kReplaceTagged);
}

bool tags_match(const std::vector<std::pair<size_t, std::string>>& tag_equals,
                const std::vector<std::string>& tags) {
  for (const auto& [position, value] : tag_equals) {
    if (position >= tags.size() || tags[position] != value) return false;
  }
  return true;
}

WalRecordType delete_record_type(const DeleteRequest& request) {
  return request.tag_equals.empty() ? WalRecordType::kDelete : WalRecordType::kDeleteTagged;
}

WalRecordType replace_record_type(const DeleteRequest& request) {
  return request.tag_equals.empty() ? WalRecordType::kReplace : WalRecordType::kReplaceTagged;
}

void encode_write_record(const ValidatedBatch& batch, std::string& out) {
  ByteWriter writer(out);
  const TableInfo& table = *batch.table;
  writer.put_string(table.name());
  writer.put_varint(batch.rows);
  size_t present = 0;
  for (const Column* column : batch.columns) present += column != nullptr ? 1 : 0;
  writer.put_varint(present);
  for (size_t index = 0; index < batch.columns.size(); ++index) {
    const Column* column = batch.columns[index];
    if (column == nullptr) continue;
    const Field& field = table.field(index);
    writer.put_string(field.name);
    writer.put_u8(static_cast<uint8_t>(field.type));
    writer.put_u8(static_cast<uint8_t>(field.scale));
    const bool has_nulls = column->has_nulls();
    writer.put_u8(has_nulls ? kHasValidity : 0);
    if (has_nulls) encode_bitmap(column->validity(), out);
    put_values(field.type, *column, out);
  }
}

Result<DecodedWrite> decode_write_record(std::string_view payload) {
  ByteReader in(payload);
  DecodedWrite out;
  uint64_t rows = 0;
  uint64_t column_count = 0;
  if (!in.get_string(out.table) || !in.get_count(rows, payload.size() * 8 + 8) ||
      !in.get_count(column_count, 10'000)) {
    return malformed("truncated header");
  }
  std::vector<Field> fields;
  std::vector<Column> columns;
  for (uint64_t index = 0; index < column_count; ++index) {
    Field field;
    uint8_t type = 0;
    uint8_t scale = 0;
    uint8_t flags = 0;
    if (!in.get_string(field.name) || !in.get_u8(type) || !in.get_u8(scale) || !in.get_u8(flags) ||
        type > static_cast<uint8_t>(ColumnType::kString)) {
      return malformed("truncated column header");
    }
    field.type = static_cast<ColumnType>(type);
    field.scale = scale;
    field.nullable = (flags & kHasValidity) != 0;
    std::vector<uint8_t> validity;
    if (field.nullable) {
      validity.resize(rows);
      MYSTOCKS_RETURN_IF_ERROR(decode_bitmap(in, rows, validity.data()));
    }
    ColumnValues values = empty_values_for(field.type);
    if (!get_values(field.type, in, rows, values)) {
      return malformed("truncated values of column '" + field.name + "'");
    }
    fields.push_back(std::move(field));
    columns.emplace_back(std::move(values), std::move(validity));
  }
  if (!in.at_end()) return malformed("trailing bytes");
  Result<RecordBatch> batch =
      RecordBatch::make(std::make_shared<const Schema>(std::move(fields)), std::move(columns));
  if (!batch.is_ok()) return malformed(batch.status().message());
  out.batch = std::move(*batch);
  return out;
}

void encode_delete_record(const DeleteRequest& request, std::string& out) {
  ByteWriter writer(out);
  writer.put_string(request.table);
  writer.put_varint(request.symbols.size());
  for (const std::string& symbol : request.symbols) writer.put_string(symbol);
  writer.put_signed(request.range.start);
  writer.put_signed(request.range.end);
  if (request.tag_equals.empty()) return;  // the original (untagged) layout
  writer.put_varint(request.tag_equals.size());
  for (const auto& [position, value] : request.tag_equals) {
    writer.put_varint(position);
    writer.put_string(value);
  }
}

Result<DeleteRequest> decode_delete_record(std::string_view payload, bool tagged) {
  ByteReader in(payload);
  DeleteRequest out;
  uint64_t count = 0;
  if (!in.get_string(out.table) || !in.get_count(count, payload.size())) {
    return malformed("truncated delete header");
  }
  out.symbols.resize(count);
  for (std::string& symbol : out.symbols) {
    if (!in.get_string(symbol)) return malformed("truncated delete symbols");
  }
  if (!in.get_signed(out.range.start) || !in.get_signed(out.range.end)) {
    return malformed("truncated delete range");
  }
  if (tagged) {
    // A table has at most a handful of tags; the bounds only keep damage from allocating.
    constexpr uint64_t kMaxTagPosition = 1024;
    if (!in.get_count(count, payload.size()) || count == 0) {
      return malformed("tagged delete without tag values");
    }
    out.tag_equals.resize(count);
    for (auto& [position, value] : out.tag_equals) {
      uint64_t raw = 0;
      if (!in.get_count(raw, kMaxTagPosition) || !in.get_string(value)) {
        return malformed("truncated delete tag values");
      }
      position = static_cast<size_t>(raw);
    }
  }
  if (!in.at_end()) return malformed("trailing bytes after the delete range");
  return out;
}

void encode_replace_record(const DeleteRequest& request, const ValidatedBatch& batch,
                           std::string& out) {
  std::string erase;
  encode_delete_record(request, erase);
  ByteWriter writer(out);
  writer.put_string(erase);
  encode_write_record(batch, out);
}

Result<DecodedReplace> decode_replace_record(std::string_view payload, bool tagged) {
  ByteReader in(payload);
  std::string_view erase;
  if (!in.get_string(erase)) return malformed("truncated replace header");
  Result<DeleteRequest> request = decode_delete_record(erase, tagged);
  if (!request.is_ok()) return request.status();
  Result<DecodedWrite> write = decode_write_record(in.rest());
  if (!write.is_ok()) return write.status();
  if (write->table != request->table) {
    return malformed("replace record deletes from '" + request->table + "' but writes to '" +
                     write->table + "'");
  }
  return DecodedReplace{std::move(*request), std::move(*write)};
}

}  // namespace mystocks::tsdb

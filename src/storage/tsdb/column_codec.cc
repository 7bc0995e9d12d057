#include "storage/tsdb/column_codec.h"

#include <algorithm>
#include <span>
#include <vector>

#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/codec_float.h"
#include "storage/tsdb/codec_int.h"
#include "storage/tsdb/codec_string.h"

namespace mystocks::tsdb {
namespace {

constexpr uint8_t kHasValidity = 1;

// Values of rows [begin, end), null slots replaced by the previous valid value (or T{}), so a
// delta codec sees zeros there.
template <typename T>
std::vector<T> filled_values(const std::vector<T>& values, const std::vector<uint8_t>& validity,
                             size_t begin, size_t end) {
  std::vector<T> out(values.begin() + static_cast<std::ptrdiff_t>(begin),
                     values.begin() + static_cast<std::ptrdiff_t>(end));
  if (validity.empty()) return out;
  T previous{};
  for (size_t row = 0; row < out.size(); ++row) {
    if (validity[begin + row] == 0) {
      out[row] = previous;
    } else {
      previous = out[row];
    }
  }
  return out;
}

template <typename T>
void reset_null_slots(std::vector<T>& values, const std::vector<uint8_t>& validity) {
  for (size_t row = 0; row < validity.size(); ++row) {
    if (validity[row] == 0) values[row] = T{};
  }
}

bool is_time_like(ColumnType type) { return type == ColumnType::kTimestamp; }

Status mismatch(ColumnType type) {
  return error(ErrorCode::kDataLoss, "column block does not hold a {} column",
               column_type_name(type));
}

}  // namespace

size_t raw_value_bytes(ColumnType type) {
  switch (type) {
    case ColumnType::kBool: return 1;
    case ColumnType::kInt32:
    case ColumnType::kDate: return 4;
    case ColumnType::kString: return 4;  // plus the string's own length
    default: return 8;
  }
}

void encode_column(ColumnType type, const Column& column, size_t begin, size_t end,
                   std::string& out) {
  ByteWriter writer(out);
  const std::vector<uint8_t>& validity = column.validity();
  const bool has_nulls =
      !validity.empty() && std::find(validity.begin() + static_cast<std::ptrdiff_t>(begin),
                                     validity.begin() + static_cast<std::ptrdiff_t>(end),
                                     0) != validity.begin() + static_cast<std::ptrdiff_t>(end);
  writer.put_u8(static_cast<uint8_t>(type));
  writer.put_u8(has_nulls ? kHasValidity : 0);
  writer.put_varint(end - begin);
  const std::vector<uint8_t> no_validity;
  const std::vector<uint8_t>& used_validity = has_nulls ? validity : no_validity;
  if (has_nulls) {
    encode_bitmap(std::span<const uint8_t>(validity).subspan(begin, end - begin), out);
  }
  switch (type) {
    case ColumnType::kBool: {
      const std::vector<uint8_t> values = filled_values(column.as<uint8_t>(), used_validity, begin, end);
      encode_bitmap(values, out);
      return;
    }
    case ColumnType::kInt32:
    case ColumnType::kDate: {
      const std::vector<int32_t> narrow = filled_values(column.as<int32_t>(), used_validity, begin, end);
      const std::vector<int64_t> wide(narrow.begin(), narrow.end());
      encode_ints(wide, false, out);
      return;
    }
    case ColumnType::kInt64:
    case ColumnType::kDecimal:
    case ColumnType::kTimestamp: {
      if (!has_nulls) {
        const std::vector<int64_t>& values = column.as<int64_t>();
        encode_ints(std::span<const int64_t>(values).subspan(begin, end - begin),
                    is_time_like(type), out);
        return;
      }
      encode_ints(filled_values(column.as<int64_t>(), used_validity, begin, end), is_time_like(type),
                  out);
      return;
    }
    case ColumnType::kDouble: {
      if (!has_nulls) {
        encode_doubles(std::span<const double>(column.as<double>()).subspan(begin, end - begin), out);
        return;
      }
      encode_doubles(filled_values(column.as<double>(), used_validity, begin, end), out);
      return;
    }
    case ColumnType::kString: {
      const std::vector<std::string>& values = column.as<std::string>();
      encode_strings(std::span<const std::string>(values).subspan(begin, end - begin), out);
      return;
    }
  }
}

Status decode_column(ColumnType type, std::string_view encoded, size_t rows, Column& out) {
  ByteReader in(encoded);
  uint8_t stored_type = 0;
  uint8_t flags = 0;
  uint64_t stored_rows = 0;
  if (!in.get_u8(stored_type) || !in.get_u8(flags) || !in.get_varint(stored_rows)) {
    return error(ErrorCode::kDataLoss, "column block header is truncated");
  }
  if (stored_type != static_cast<uint8_t>(type)) return mismatch(type);
  if (stored_rows != rows) {
    return error(ErrorCode::kDataLoss, "column block holds {} rows where {} were expected",
                 stored_rows, rows);
  }
  std::vector<uint8_t> validity;
  if ((flags & kHasValidity) != 0) {
    validity.resize(rows);
    MYSTOCKS_RETURN_IF_ERROR(decode_bitmap(in, rows, validity.data()));
  }
  ColumnValues values = empty_values_for(type);
  switch (type) {
    case ColumnType::kBool: {
      auto& bools = std::get<std::vector<uint8_t>>(values);
      bools.resize(rows);
      MYSTOCKS_RETURN_IF_ERROR(decode_bitmap(in, rows, bools.data()));
      reset_null_slots(bools, validity);
      break;
    }
    case ColumnType::kInt32:
    case ColumnType::kDate: {
      std::vector<int64_t> wide(rows);
      MYSTOCKS_RETURN_IF_ERROR(decode_ints(in, rows, wide.data()));
      auto& narrow = std::get<std::vector<int32_t>>(values);
      narrow.resize(rows);
      for (size_t row = 0; row < rows; ++row) narrow[row] = static_cast<int32_t>(wide[row]);
      reset_null_slots(narrow, validity);
      break;
    }
    case ColumnType::kInt64:
    case ColumnType::kDecimal:
    case ColumnType::kTimestamp: {
      auto& ints = std::get<std::vector<int64_t>>(values);
      ints.resize(rows);
      MYSTOCKS_RETURN_IF_ERROR(decode_ints(in, rows, ints.data()));
      reset_null_slots(ints, validity);
      break;
    }
    case ColumnType::kDouble: {
      auto& doubles = std::get<std::vector<double>>(values);
      doubles.resize(rows);
      MYSTOCKS_RETURN_IF_ERROR(decode_doubles(in, rows, doubles.data()));
      reset_null_slots(doubles, validity);
      break;
    }
    case ColumnType::kString: {
      auto& strings = std::get<std::vector<std::string>>(values);
      MYSTOCKS_RETURN_IF_ERROR(decode_strings(in, rows, strings));
      reset_null_slots(strings, validity);
      break;
    }
  }
  if (!in.at_end()) {
    return error(ErrorCode::kDataLoss, "column block has {} unexpected trailing bytes",
                 in.remaining());
  }
  out = Column(std::move(values), std::move(validity));
  return Status::ok();
}

}  // namespace mystocks::tsdb

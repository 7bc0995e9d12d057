#include "storage/postgres/pg_binary.h"

#include <bit>
#include <cstring>

#include "core/decimal.h"

namespace mystocks::storage::pg {
namespace {

// 2000-01-01, PostgreSQL's epoch, relative to the Unix epoch.
constexpr int32_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = int64_t{kPgEpochDays} * 86'400'000'000;
constexpr uint16_t kNumericPositive = 0x0000;
constexpr uint16_t kNumericNegative = 0x4000;
constexpr int kNumericBase = 10000;

void append_u64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

uint16_t read_u16(const char* data) {
  return static_cast<uint16_t>((static_cast<uint8_t>(data[0]) << 8) |
                               static_cast<uint8_t>(data[1]));
}
uint32_t read_u32(const char* data) {
  return (uint32_t{read_u16(data)} << 16) | read_u16(data + 2);
}
uint64_t read_u64(const char* data) {
  return (uint64_t{read_u32(data)} << 32) | read_u32(data + 4);
}

// Length-prefixed value helpers (COPY rows and parameters both want the bytes; the prefix is
// added by the caller for COPY, by libpq's length array for parameters).
void put_i32(std::string& out, int32_t value) { append_u32(out, static_cast<uint32_t>(value)); }
void put_i64(std::string& out, int64_t value) { append_u64(out, static_cast<uint64_t>(value)); }
void put_f64(std::string& out, double value) { append_u64(out, std::bit_cast<uint64_t>(value)); }

Status wrong_size(ColumnType type, size_t size) {
  return error(ErrorCode::kDataLoss, "postgres sent {} bytes for a {} value", size,
               column_type_name(type));
}

}  // namespace

void append_u16(std::string& out, uint16_t value) {
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value));
}

void append_u32(std::string& out, uint32_t value) {
  append_u16(out, static_cast<uint16_t>(value >> 16));
  append_u16(out, static_cast<uint16_t>(value));
}

uint32_t type_oid(ColumnType type) {
  switch (type) {
    case ColumnType::kBool:
      return 16;
    case ColumnType::kInt32:
      return 23;
    case ColumnType::kInt64:
      return 20;
    case ColumnType::kDouble:
      return 701;
    case ColumnType::kDecimal:
      return 1700;
    case ColumnType::kTimestamp:
      return 1184;
    case ColumnType::kDate:
      return 1082;
    case ColumnType::kString:
      return 25;
  }
  return 25;
}

void append_numeric(std::string& out, int64_t units, int scale) {
  // |units| fits uint64 even for INT64_MIN.
  const uint64_t magnitude =
      units < 0 ? uint64_t{0} - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  const auto unit = static_cast<uint64_t>(pow10_int64(scale));
  uint64_t integer = magnitude / unit;
  uint64_t fraction = magnitude % unit;  // `scale` decimal digits
  uint16_t digits[12];                   // base-10000 digits, least significant first
  int count = 0;
  // Fraction digits are aligned to the decimal point: a partial last group is padded on the right.
  const int fraction_groups = (scale + 3) / 4;
  if (const int partial = scale % 4; partial != 0) {
    const auto partial_unit = static_cast<uint64_t>(pow10_int64(partial));
    digits[count++] = static_cast<uint16_t>((fraction % partial_unit) * pow10_int64(4 - partial));
    fraction /= partial_unit;
  }
  while (count < fraction_groups) {
    digits[count++] = static_cast<uint16_t>(fraction % kNumericBase);
    fraction /= kNumericBase;
  }
  while (integer != 0) {
    digits[count++] = static_cast<uint16_t>(integer % kNumericBase);
    integer /= kNumericBase;
  }
  int highest = count - 1;  // leading and trailing zero digits carry no information
  while (highest >= 0 && digits[highest] == 0) --highest;
  int lowest = 0;
  while (lowest <= highest && digits[lowest] == 0) ++lowest;
  const int kept = highest >= lowest ? highest - lowest + 1 : 0;
  append_u16(out, static_cast<uint16_t>(kept));
  append_u16(out, static_cast<uint16_t>(kept == 0 ? 0 : highest - fraction_groups));  // weight
  append_u16(out, units < 0 ? kNumericNegative : kNumericPositive);
  append_u16(out, static_cast<uint16_t>(scale));
  for (int index = highest; index >= lowest; --index) append_u16(out, digits[index]);
}

Result<int64_t> decode_numeric(std::string_view bytes, int scale) {
  if (bytes.size() < 8) return wrong_size(ColumnType::kDecimal, bytes.size());
  const int count = read_u16(bytes.data());
  const int weight = static_cast<int16_t>(read_u16(bytes.data() + 2));
  const uint16_t sign = read_u16(bytes.data() + 4);
  if (bytes.size() != 8 + 2 * static_cast<size_t>(count)) {
    return wrong_size(ColumnType::kDecimal, bytes.size());
  }
  if (sign != kNumericPositive && sign != kNumericNegative) {
    return error(ErrorCode::kDataLoss, "numeric value is NaN or infinite; cannot be a decimal");
  }
  const Status overflow =
      error(ErrorCode::kDataLoss, "numeric value does not fit int64 units at scale {}", scale);
  // Digit i is worth digit * 10000^(weight - i); integer digits build `integer`, fraction digits
  // add to `fraction` in units of 10^-scale.
  uint64_t integer = 0;
  uint64_t fraction = 0;
  for (int position = weight; position >= 0; --position) {  // integer groups, zeros included
    const int index = weight - position;
    const uint64_t digit =
        index < count ? read_u16(bytes.data() + 8 + 2 * static_cast<size_t>(index)) : 0;
    if (__builtin_mul_overflow(integer, uint64_t{kNumericBase}, &integer) ||
        __builtin_add_overflow(integer, digit, &integer)) {
      return overflow;
    }
  }
  for (int index = std::max(0, weight + 1); index < count; ++index) {
    const uint64_t digit = read_u16(bytes.data() + 8 + 2 * static_cast<size_t>(index));
    const int decimals = 4 * (index - weight);  // this digit's last decimal place
    if (decimals <= scale) {
      fraction += digit * static_cast<uint64_t>(pow10_int64(scale - decimals));
    } else {
      const uint64_t dropped = static_cast<uint64_t>(pow10_int64(std::min(decimals - scale, 18)));
      if (decimals - scale > 4 ? digit != 0 : digit % dropped != 0) {
        return error(ErrorCode::kDataLoss, "numeric value has more than {} decimal places", scale);
      }
      fraction += decimals - scale > 4 ? 0 : digit / dropped;
    }
  }
  uint64_t magnitude = 0;
  if (__builtin_mul_overflow(integer, static_cast<uint64_t>(pow10_int64(scale)), &magnitude) ||
      __builtin_add_overflow(magnitude, fraction, &magnitude)) {
    return overflow;
  }
  if (sign == kNumericNegative) {
    if (magnitude > uint64_t{1} << 63) return overflow;
    return static_cast<int64_t>(uint64_t{0} - magnitude);
  }
  if (magnitude > static_cast<uint64_t>(INT64_MAX)) return overflow;
  return static_cast<int64_t>(magnitude);
}

void append_cell(std::string& out, const Column& column, ColumnType type, int scale, size_t row) {
  switch (type) {
    case ColumnType::kBool:
      out.push_back(column.as<uint8_t>()[row] != 0 ? 1 : 0);
      break;
    case ColumnType::kInt32:
      put_i32(out, column.as<int32_t>()[row]);
      break;
    case ColumnType::kInt64:
      put_i64(out, column.as<int64_t>()[row]);
      break;
    case ColumnType::kDouble:
      put_f64(out, column.as<double>()[row]);
      break;
    case ColumnType::kDecimal:
      append_numeric(out, column.as<int64_t>()[row], scale);
      break;
    case ColumnType::kTimestamp:
      put_i64(out, column.as<int64_t>()[row] * 1000 - kPgEpochMicros);
      break;
    case ColumnType::kDate:
      put_i32(out, column.as<int32_t>()[row] - kPgEpochDays);
      break;
    case ColumnType::kString:
      out += column.as<std::string>()[row];
      break;
  }
}

void append_value(std::string& out, const BoundValue& value) {
  switch (value.type) {
    case ColumnType::kBool:
      out.push_back(std::get<bool>(value.value) ? 1 : 0);
      break;
    case ColumnType::kInt32:
      put_i32(out, static_cast<int32_t>(std::get<int64_t>(value.value)));
      break;
    case ColumnType::kInt64:
      put_i64(out, std::get<int64_t>(value.value));
      break;
    case ColumnType::kDouble:
      put_f64(out, std::get<double>(value.value));
      break;
    case ColumnType::kDecimal:
      append_numeric(out, std::get<int64_t>(value.value), value.scale);
      break;
    case ColumnType::kTimestamp:
      put_i64(out, std::get<int64_t>(value.value) * 1000 - kPgEpochMicros);
      break;
    case ColumnType::kDate:
      put_i32(out, static_cast<int32_t>(std::get<int64_t>(value.value) - kPgEpochDays));
      break;
    case ColumnType::kString:
      out += std::get<std::string>(value.value);
      break;
  }
}

Status decode_cell(std::string_view bytes, ColumnType type, int scale, Column& column) {
  column.mutable_validity().push_back(1);
  auto need = [&](size_t size) {
    return bytes.size() == size ? Status::ok() : wrong_size(type, bytes.size());
  };
  switch (type) {
    case ColumnType::kBool:
      MYSTOCKS_RETURN_IF_ERROR(need(1));
      column.mutable_as<uint8_t>().push_back(bytes[0] != 0 ? 1 : 0);
      break;
    case ColumnType::kInt32:
      MYSTOCKS_RETURN_IF_ERROR(need(4));
      column.mutable_as<int32_t>().push_back(static_cast<int32_t>(read_u32(bytes.data())));
      break;
    case ColumnType::kInt64:
      MYSTOCKS_RETURN_IF_ERROR(need(8));
      column.mutable_as<int64_t>().push_back(static_cast<int64_t>(read_u64(bytes.data())));
      break;
    case ColumnType::kDouble:
      MYSTOCKS_RETURN_IF_ERROR(need(8));
      column.mutable_as<double>().push_back(std::bit_cast<double>(read_u64(bytes.data())));
      break;
    case ColumnType::kDecimal: {
      Result<int64_t> units = decode_numeric(bytes, scale);
      if (!units.is_ok()) return units.status();
      column.mutable_as<int64_t>().push_back(*units);
      break;
    }
    case ColumnType::kTimestamp: {
      MYSTOCKS_RETURN_IF_ERROR(need(8));
      const int64_t micros = static_cast<int64_t>(read_u64(bytes.data())) + kPgEpochMicros;
      // Floor division: instants written elsewhere with sub-millisecond parts round down.
      column.mutable_as<int64_t>().push_back(micros >= 0 ? micros / 1000
                                                         : -((-micros + 999) / 1000));
      break;
    }
    case ColumnType::kDate:
      MYSTOCKS_RETURN_IF_ERROR(need(4));
      column.mutable_as<int32_t>().push_back(static_cast<int32_t>(read_u32(bytes.data())) +
                                             kPgEpochDays);
      break;
    case ColumnType::kString:
      column.mutable_as<std::string>().emplace_back(bytes);
      break;
  }
  return Status::ok();
}

void append_copy_header(std::string& out) {
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // plus the terminating NUL: 11 bytes
  out.append(kSignature, sizeof(kSignature));
  append_u32(out, 0);  // flags: no OIDs
  append_u32(out, 0);  // header extension length
}

void append_copy_trailer(std::string& out) { append_u16(out, 0xffff); }

}  // namespace mystocks::storage::pg

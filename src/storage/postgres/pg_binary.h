// PostgreSQL's binary wire format for the column types MyStocks stores: bound parameters,
// result values and COPY ... (FORMAT binary) rows all use it, so no value is ever rendered into
// SQL text and nothing depends on the server's DateStyle, locale or extra_float_digits.
// Mapping: bool <-> boolean, int32 <-> integer, int64 <-> bigint, double <-> double precision,
// decimal(s) units <-> numeric (exact, base-10000 digits), timestamp ms <-> timestamptz (µs since
// 2000-01-01), date days <-> date (days since 2000-01-01), string <-> text.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/relational/statement_builder.h"

namespace mystocks::storage::pg {

// The PostgreSQL type OID for a column type (16 bool, 23 int4, 20 int8, 701 float8, 1700
// numeric, 1184 timestamptz, 1082 date, 25 text).
uint32_t type_oid(ColumnType type);

// Appends the binary form of row `row` of `column` (not null) as `type` at `scale`.
void append_cell(std::string& out, const Column& column, ColumnType type, int scale, size_t row);
// Appends the binary form of a bound parameter.
void append_value(std::string& out, const BoundValue& value);

// Numeric <-> int64 units at `scale`. Decoding fails with kDataLoss when the value has more
// fractional digits than `scale` or does not fit in int64 units (a value written outside
// MyStocks).
void append_numeric(std::string& out, int64_t units, int scale);
Result<int64_t> decode_numeric(std::string_view bytes, int scale);

// Appends one binary value received from the server to `column` (validity included).
Status decode_cell(std::string_view bytes, ColumnType type, int scale, Column& column);

// COPY ... FROM STDIN (FORMAT binary) framing.
void append_copy_header(std::string& out);
void append_copy_trailer(std::string& out);
void append_u16(std::string& out, uint16_t value);
void append_u32(std::string& out, uint32_t value);

}  // namespace mystocks::storage::pg

// SQL dialects of the relational stores and the rules for the only identifiers that ever reach
// SQL: table, column and index names declared in tables.yaml, checked against a safe alphabet
// and always double-quoted. Pure functions: safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"

namespace mystocks::storage {

enum class SqlDialect : uint8_t { kSqlite, kPostgres };

// PostgreSQL truncates longer identifiers silently; we refuse them instead.
inline constexpr size_t kMaxIdentifierLength = 63;

// OK when `name` is [A-Za-z_][A-Za-z0-9_]* and at most kMaxIdentifierLength bytes;
// kInvalidConfig naming `what` ("table 'x' column") otherwise.
Status check_identifier(std::string_view name, std::string_view what);

// "name" with embedded double quotes doubled (names are checked first; this is the second wall).
std::string quote_identifier(std::string_view name);

// The column type of `field` in `dialect`: SQLite STRICT types (INTEGER, REAL, TEXT) hold
// decimals as scaled integers, dates as days and timestamps as epoch ms; PostgreSQL uses its
// native exact types (numeric(19, scale), date, timestamptz) and byte-order (C) text.
std::string column_type_sql(const Field& field, SqlDialect dialect);

// "<prefix>_<table>_<col>_<col>" ("ix" plain, "ux" unique), shortened with a hash suffix when
// longer than 63 bytes.
std::string index_name(std::string_view table, const std::vector<std::string>& columns,
                       std::string_view prefix = "ix");

// "a, b, c" with every name quoted.
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace mystocks::storage

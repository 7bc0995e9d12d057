#include "storage/relational/statement_builder.h"

#include <algorithm>
#include <limits>

#include "storage/relational/ddl.h"

namespace mystocks::storage {
namespace {

// The largest IN list accepted; larger sets belong in a join table, and both engines cap the
// number of parameters per statement (SQLite 32766, PostgreSQL 65535).
constexpr size_t kMaxInValues = 10000;

class StatementWriter {
 public:
  explicit StatementWriter(SqlDialect dialect) : dialect_(dialect) {}

  std::string add(BoundValue value) {
    statement_.params.push_back(std::move(value));
    return placeholder(dialect_, statement_.params.size());
  }
  std::string& text() { return statement_.text; }
  SqlStatement take() { return std::move(statement_); }

 private:
  SqlDialect dialect_;
  SqlStatement statement_;
};

std::string_view value_kind(const Value& value) {
  switch (value.index()) {
    case 0:
      return "a bool";
    case 1:
      return "an integer";
    case 2:
      return "a double";
    default:
      return "a string";
  }
}

std::string_view expected_kind(const Field& field) {
  switch (field.type) {
    case ColumnType::kBool:
      return "a bool";
    case ColumnType::kInt32:
      return "an int32 integer";
    case ColumnType::kInt64:
      return "an integer";
    case ColumnType::kDouble:
      return "a number";
    case ColumnType::kDecimal:
      return "an integer count of units at the column's scale";
    case ColumnType::kTimestamp:
      return "an integer of epoch milliseconds";
    case ColumnType::kDate:
      return "an integer of days since 1970-01-01";
    case ColumnType::kString:
      return "a string";
  }
  return "a value";
}

Result<const Field*> find_field(const TableSchema& table, const std::string& name,
                                std::string_view where) {
  const ColumnDef* column = table.column(name);
  if (column == nullptr) {
    std::string known;
    for (const ColumnDef& def : table.columns)
      known += (known.empty() ? "" : ", ") + def.field.name;
    return field_error(ErrorCode::kInvalidArgument, std::string(where),
                       "{}: table '{}' has no column '{}' (columns: {})", where, table.name, name,
                       known);
  }
  return &column->field;
}

Status write_where(StatementWriter& out, const TableSchema& table,
                   const std::vector<Filter>& filters, SqlDialect dialect) {
  for (size_t index = 0; index < filters.size(); ++index) {
    const Filter& filter = filters[index];
    const std::string where = fmt::format("filters[{}]", index);
    Result<const Field*> field = find_field(table, filter.column, where);
    if (!field.is_ok()) return field.status();
    const std::string column = quote_identifier(filter.column);
    const bool no_values = filter.op == FilterOp::kIsNull || filter.op == FilterOp::kIsNotNull;
    const bool list = filter.op == FilterOp::kIn || filter.op == FilterOp::kNotIn;
    const size_t wanted = filter.values.size();
    if ((no_values && wanted != 0) || (!no_values && !list && wanted != 1) ||
        (list && (wanted == 0 || wanted > kMaxInValues))) {
      return field_error(
          ErrorCode::kInvalidArgument, where, "{}: '{}' on column '{}' takes {}, got {} values",
          where, filter_op_name(filter.op), filter.column,
          no_values ? "no value"
                    : (list ? fmt::format("1..{} values", kMaxInValues) : std::string("one value")),
          wanted);
    }
    const bool text_op = filter.op == FilterOp::kStartsWith || filter.op == FilterOp::kContains;
    if (text_op && (*field)->type != ColumnType::kString) {
      return field_error(ErrorCode::kInvalidArgument, where,
                         "{}: '{}' needs a string column, but '{}' is {}", where,
                         filter_op_name(filter.op), filter.column, (*field)->type_string());
    }
    std::vector<std::string> holders;
    for (const Value& value : filter.values) {
      Result<BoundValue> bound = bind_value(table.name, **field, value, where);
      if (!bound.is_ok()) return bound.status();
      holders.push_back(out.add(std::move(*bound)));
    }
    out.text() += index == 0 ? " WHERE " : " AND ";
    switch (filter.op) {
      case FilterOp::kEq:
        out.text() += column + " = " + holders[0];
        break;
      case FilterOp::kNe:
        out.text() += column + " <> " + holders[0];
        break;
      case FilterOp::kLt:
        out.text() += column + " < " + holders[0];
        break;
      case FilterOp::kLe:
        out.text() += column + " <= " + holders[0];
        break;
      case FilterOp::kGt:
        out.text() += column + " > " + holders[0];
        break;
      case FilterOp::kGe:
        out.text() += column + " >= " + holders[0];
        break;
      case FilterOp::kIn:
      case FilterOp::kNotIn: {
        std::string joined;
        for (const std::string& holder : holders) joined += (joined.empty() ? "" : ", ") + holder;
        out.text() += column;
        out.text() += filter.op == FilterOp::kIn ? " IN (" : " NOT IN (";
        out.text() += joined;
        out.text() += ")";
        break;
      }
      case FilterOp::kIsNull:
        out.text() += column + " IS NULL";
        break;
      case FilterOp::kIsNotNull:
        out.text() += column + " IS NOT NULL";
        break;
      // Plain substring functions instead of LIKE: no wildcard characters to escape, and
      // case-sensitive on both engines (SQLite's LIKE ignores ASCII case).
      case FilterOp::kStartsWith:
        out.text() += dialect == SqlDialect::kSqlite
                          ? "instr(" + column + ", " + holders[0] + ") = 1"
                          : "starts_with(" + column + ", " + holders[0] + ")";
        break;
      case FilterOp::kContains:
        out.text() += dialect == SqlDialect::kSqlite
                          ? "instr(" + column + ", " + holders[0] + ") > 0"
                          : "strpos(" + column + ", " + holders[0] + ") > 0";
        break;
    }
  }
  return Status::ok();
}

}  // namespace

Status too_many_rows(const std::string& table, int64_t max_rows) {
  return field_error(ErrorCode::kResourceExhausted, "limit",
                     "query on table '{}' matches more than {} rows, the store's max_result_rows; "
                     "narrow the filters or page with limit and offset",
                     table, max_rows);
}

Result<BoundValue> bind_value(const std::string& table, const Field& field, const Value& value,
                              std::string_view where) {
  BoundValue bound{field.type, field.scale, value};
  bool fits = false;
  switch (field.type) {
    case ColumnType::kBool:
      fits = std::holds_alternative<bool>(value);
      break;
    case ColumnType::kString:
      fits = std::holds_alternative<std::string>(value);
      break;
    case ColumnType::kDouble:
      if (const int64_t* integer = std::get_if<int64_t>(&value)) {
        bound.value = static_cast<double>(*integer);
        fits = true;
      } else {
        fits = std::holds_alternative<double>(value);
      }
      break;
    case ColumnType::kInt32:
      if (const int64_t* integer = std::get_if<int64_t>(&value)) {
        if (*integer < std::numeric_limits<int32_t>::min() ||
            *integer > std::numeric_limits<int32_t>::max()) {
          return field_error(ErrorCode::kOutOfRange, std::string(where),
                             "{}: {} is outside the range of int32 column '{}.{}'", where, *integer,
                             table, field.name);
        }
        fits = true;
      }
      break;
    default:
      fits = std::holds_alternative<int64_t>(value);
      break;
  }
  if (!fits) {
    return field_error(ErrorCode::kInvalidArgument, std::string(where),
                       "{}: column '{}.{}' ({}) needs {}, got {}", where, table, field.name,
                       field.type_string(), expected_kind(field), value_kind(value));
  }
  return bound;
}

Result<SelectStatement> build_select(SqlDialect dialect, const TableSchema& table,
                                     const RelationalQuery& query, int64_t max_result_rows) {
  if (query.limit < -1 || query.offset < 0) {
    return field_error(ErrorCode::kInvalidArgument, query.limit < -1 ? "limit" : "offset",
                       "limit must be -1 (none) or >= 0 and offset >= 0; got limit {}, offset {}",
                       query.limit, query.offset);
  }
  SelectStatement select;
  select.max_rows = max_result_rows;
  std::vector<std::string> names = query.columns;
  if (names.empty()) {
    for (const ColumnDef& column : table.columns) names.push_back(column.field.name);
  }
  for (size_t index = 0; index < names.size(); ++index) {
    Result<const Field*> field = find_field(table, names[index], fmt::format("columns[{}]", index));
    if (!field.is_ok()) return field.status();
    if (std::count(names.begin(), names.end(), names[index]) > 1) {
      return field_error(ErrorCode::kInvalidArgument, "columns", "column '{}' is projected twice",
                         names[index]);
    }
    select.fields.push_back(**field);
  }
  StatementWriter out(dialect);
  out.text() = "SELECT " + quoted_list(names) + " FROM " + quote_identifier(table.name);
  MYSTOCKS_RETURN_IF_ERROR(write_where(out, table, query.filters, dialect));

  std::vector<OrderBy> order = query.order_by;
  for (size_t index = 0; index < order.size(); ++index) {
    Result<const Field*> field =
        find_field(table, order[index].column, fmt::format("order_by[{}]", index));
    if (!field.is_ok()) return field.status();
  }
  for (const std::string& key : table.unique_key) {
    const bool listed = std::any_of(order.begin(), order.end(),
                                    [&](const OrderBy& by) { return by.column == key; });
    if (!listed) order.push_back({key, SortOrder::kAscending});
  }
  for (size_t index = 0; index < order.size(); ++index) {
    const bool ascending = order[index].order == SortOrder::kAscending;
    out.text() += index == 0 ? " ORDER BY " : ", ";
    out.text() += quote_identifier(order[index].column) +
                  (ascending ? " ASC NULLS LAST" : " DESC NULLS FIRST");
  }
  // One row beyond the bound tells "exactly max rows" apart from "more than max rows".
  const int64_t bound = max_result_rows + 1;
  const int64_t limit = query.limit < 0 ? bound : std::min(query.limit, bound);
  out.text() += " LIMIT " + out.add({ColumnType::kInt64, 0, limit});
  if (query.offset > 0) out.text() += " OFFSET " + out.add({ColumnType::kInt64, 0, query.offset});
  select.sql = out.take();
  return select;
}

Result<SqlStatement> build_count(SqlDialect dialect, const TableSchema& table,
                                 const std::vector<Filter>& filters) {
  StatementWriter out(dialect);
  out.text() = "SELECT count(*) FROM " + quote_identifier(table.name);
  MYSTOCKS_RETURN_IF_ERROR(write_where(out, table, filters, dialect));
  return out.take();
}

Result<SelectStatement> build_series_summary(SqlDialect dialect, const TableSchema& table,
                                             const std::string& time_column,
                                             const std::vector<Filter>& filters,
                                             int64_t max_result_rows) {
  const ColumnDef* symbol = table.column("symbol");
  if (symbol == nullptr || symbol->field.type != ColumnType::kString) {
    return field_error(ErrorCode::kInvalidArgument, "table",
                       "table '{}' has no string column 'symbol' to summarise series by",
                       table.name);
  }
  const ColumnDef* time = table.column(time_column);
  if (time == nullptr ||
      (time->field.type != ColumnType::kDate && time->field.type != ColumnType::kTimestamp)) {
    return field_error(ErrorCode::kInvalidArgument, "time_column",
                       "table '{}' has no date or timestamp column '{}'", table.name, time_column);
  }
  SelectStatement select;
  select.max_rows = max_result_rows;
  const Field& bound = time->field;
  select.fields = {
      Field{.name = "symbol", .type = ColumnType::kString},
      Field{.name = "rows", .type = ColumnType::kInt64},
      Field{.name = "first", .type = bound.type, .scale = bound.scale, .nullable = true},
      Field{.name = "last", .type = bound.type, .scale = bound.scale, .nullable = true},
      Field{.name = "distinct_times", .type = ColumnType::kInt64}};
  const std::string quoted_time = quote_identifier(time_column);
  StatementWriter out(dialect);
  out.text() = "SELECT \"symbol\", count(*), min(" + quoted_time + "), max(" + quoted_time +
               "), count(DISTINCT " + quoted_time + ") FROM " + quote_identifier(table.name);
  MYSTOCKS_RETURN_IF_ERROR(write_where(out, table, filters, dialect));
  out.text() += " GROUP BY \"symbol\" ORDER BY \"symbol\"";
  out.text() += " LIMIT " + out.add({ColumnType::kInt64, 0, max_result_rows + 1});
  select.sql = out.take();
  return select;
}

Result<SqlStatement> build_erase(SqlDialect dialect, const TableSchema& table,
                                 const std::vector<Filter>& filters) {
  if (filters.empty()) {
    return field_error(ErrorCode::kInvalidArgument, "filters",
                       "erase on table '{}' needs at least one filter", table.name);
  }
  StatementWriter out(dialect);
  out.text() = "DELETE FROM " + quote_identifier(table.name);
  MYSTOCKS_RETURN_IF_ERROR(write_where(out, table, filters, dialect));
  return out.take();
}

std::string build_upsert(SqlDialect dialect, const TableSchema& table, const BatchLayout& layout,
                         std::string_view source_table) {
  std::string sql =
      "INSERT INTO " + quote_identifier(table.name) + " (" + quoted_list(layout.columns) + ") ";
  if (source_table.empty()) {
    sql += "VALUES (";
    for (size_t index = 0; index < layout.columns.size(); ++index) {
      sql += (index == 0 ? "" : ", ") + placeholder(dialect, index + 1);
    }
    sql += ")";
  } else {
    sql += "SELECT " + quoted_list(layout.columns) + " FROM " + quote_identifier(source_table);
  }
  // SQLite needs a WHERE before ON CONFLICT when rows come from a SELECT (parsing ambiguity).
  if (!source_table.empty() && dialect == SqlDialect::kSqlite) sql += " WHERE true";
  sql += " ON CONFLICT (" + quoted_list(table.unique_key) + ") ";
  if (layout.update_columns.empty()) return sql + "DO NOTHING";
  sql += "DO UPDATE SET ";
  for (size_t index = 0; index < layout.update_columns.size(); ++index) {
    const std::string column = quote_identifier(layout.update_columns[index]);
    if (index > 0) sql += ", ";
    sql += column;
    sql += " = excluded.";
    sql += column;
  }
  return sql;
}

}  // namespace mystocks::storage

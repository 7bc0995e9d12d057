#include "storage/relational/schema_record.h"

#include <algorithm>
#include <sstream>

namespace mystocks::storage {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ",") + name;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> names;
  std::string name;
  std::istringstream in(text);
  while (std::getline(in, name, ',')) {
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

std::string describe_list(const std::vector<std::string>& names) {
  return names.empty() ? "(none)" : "(" + join(names) + ")";
}

// The column lists of `lists` that `other` does not hold, in `lists`' order.
std::vector<std::vector<std::string>> missing_from(
    const std::vector<std::vector<std::string>>& lists,
    const std::vector<std::vector<std::string>>& other) {
  std::vector<std::vector<std::string>> missing;
  for (const std::vector<std::string>& list : lists) {
    if (std::find(other.begin(), other.end(), list) == other.end()) missing.push_back(list);
  }
  return missing;
}

}  // namespace

std::string encode_schema_record(const TableSchema& table) {
  std::string text;
  for (const ColumnDef& column : table.columns) {
    text += fmt::format("column {} {} {}\n", column.field.name, column.field.type_string(),
                        column.field.nullable ? "null" : "not_null");
  }
  text += "primary_key " + join(table.primary_key) + "\n";
  text += "unique_key " + join(table.unique_key) + "\n";
  for (const std::vector<std::string>& index : table.indexes) text += "index " + join(index) + "\n";
  for (const std::vector<std::string>& index : table.unique_indexes) {
    text += "unique_index " + join(index) + "\n";
  }
  return text;
}

Result<SchemaRecord> decode_schema_record(const std::string& table, int64_t version,
                                          const std::string& text) {
  SchemaRecord record;
  record.version = version;
  std::istringstream lines(text);
  std::string line;
  int line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    if (line.empty()) continue;
    std::istringstream words(line);
    std::string kind;
    std::string first;
    std::string second;
    std::string third;
    words >> kind >> first >> second >> third;
    auto corrupt = [&]() {
      return error(ErrorCode::kDataLoss,
                   "the schema-version record of table '{}' is unreadable at line {}: '{}'", table,
                   line_number, line);
    };
    if (kind == "column") {
      Result<std::pair<ColumnType, int>> type = parse_column_type(second);
      if (first.empty() || !type.is_ok() || (third != "null" && third != "not_null")) {
        return corrupt();
      }
      record.columns.push_back(Field{first, type->first, type->second, third == "null"});
    } else if (kind == "primary_key") {
      record.primary_key = split(first);
    } else if (kind == "unique_key") {
      record.unique_key = split(first);
    } else if (kind == "index") {
      record.indexes.push_back(split(first));
    } else if (kind == "unique_index") {
      record.unique_indexes.push_back(split(first));
    } else {
      return corrupt();
    }
  }
  if (record.columns.empty()) {
    return error(ErrorCode::kDataLoss, "the schema-version record of table '{}' has no columns",
                 table);
  }
  return record;
}

Result<MigrationPlan> plan_migration(const TableSchema& declared,
                                     const std::optional<SchemaRecord>& recorded) {
  MigrationPlan plan;
  if (!recorded.has_value()) {
    plan.kind = MigrationKind::kCreate;
    plan.new_version = 1;
    return plan;
  }
  std::vector<std::string> problems;
  for (const Field& old_field : recorded->columns) {
    const ColumnDef* now = declared.column(old_field.name);
    if (now == nullptr) {
      problems.push_back(fmt::format(
          "column '{}' ({}) exists in the database but is no longer declared; columns are never "
          "dropped automatically",
          old_field.name, old_field.type_string()));
      continue;
    }
    if (now->field.type != old_field.type || now->field.scale != old_field.scale) {
      problems.push_back(fmt::format("column '{}' changed type from {} to {}", old_field.name,
                                     old_field.type_string(), now->field.type_string()));
    }
    if (now->field.nullable != old_field.nullable) {
      problems.push_back(fmt::format("column '{}' changed from {} to {}", old_field.name,
                                     old_field.nullable ? "nullable" : "non-nullable",
                                     now->field.nullable ? "nullable" : "non-nullable"));
    }
  }
  for (const ColumnDef& column : declared.columns) {
    const bool known = std::any_of(recorded->columns.begin(), recorded->columns.end(),
                                   [&](const Field& f) { return f.name == column.field.name; });
    if (known) continue;
    if (!column.field.nullable) {
      problems.push_back(fmt::format(
          "column '{}' is new and non-nullable, but existing rows have no value for it; declare it "
          "'nullable: true'",
          column.field.name));
      continue;
    }
    plan.added_columns.push_back(column.field);
  }
  if (declared.primary_key != recorded->primary_key) {
    problems.push_back(fmt::format("primary_key changed from {} to {}",
                                   describe_list(recorded->primary_key),
                                   describe_list(declared.primary_key)));
  }
  if (declared.unique_key != recorded->unique_key) {
    problems.push_back(fmt::format("unique_key changed from {} to {}",
                                   describe_list(recorded->unique_key),
                                   describe_list(declared.unique_key)));
  }
  if (!problems.empty()) {
    std::string message = fmt::format(
        "table '{}' in tables.yaml is incompatible with the database (schema version {}): ",
        declared.name, recorded->version);
    for (size_t index = 0; index < problems.size(); ++index) {
      message += (index == 0 ? "" : "; ") + problems[index];
    }
    message += ". Nothing was changed; restore the declaration or migrate the table by hand";
    return Status(ErrorCode::kSchemaMismatch, message, declared.name);
  }
  plan.added_indexes = missing_from(declared.indexes, recorded->indexes);
  plan.added_unique_indexes = missing_from(declared.unique_indexes, recorded->unique_indexes);
  plan.dropped_unique_indexes = missing_from(recorded->unique_indexes, declared.unique_indexes);
  // A changed description or a removed plain index needs no DDL; the record is refreshed anyway
  // so the next comparison starts from the current declaration.
  const bool changed = !plan.added_columns.empty() || !plan.added_indexes.empty() ||
                       recorded->indexes != declared.indexes ||
                       recorded->unique_indexes != declared.unique_indexes;
  plan.kind = changed ? MigrationKind::kAlter : MigrationKind::kUnchanged;
  plan.new_version = changed ? recorded->version + 1 : recorded->version;
  return plan;
}

}  // namespace mystocks::storage

#include "storage/tables_yaml.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace mystocks::storage {
namespace {

constexpr std::string_view kTableKeys[] = {"classification", "description", "target",
                                           "time_column",    "columns",     "primary_key",
                                           "unique_key",     "indexes",     "unique_indexes",
                                           "partition",      "retention_days"};
constexpr std::string_view kColumnKeys[] = {"name", "type", "nullable", "tag", "description"};

// Names where a problem is: "tables.yaml:12: table 'tick' column 'price'".
struct Where {
  const std::string& source;
  std::string table;
  std::string column;

  std::string at(const YAML::Node& node) const {
    std::string out = fmt::format("{}:{}", source, node.Mark().line + 1);
    if (!table.empty()) out += fmt::format(": table '{}'", table);
    if (!column.empty()) out += fmt::format(" column '{}'", column);
    return out;
  }
};

Status fail(const Where& where, const YAML::Node& node, std::string problem) {
  std::string field = where.table;
  if (!where.column.empty()) field += "." + where.column;
  return Status(ErrorCode::kInvalidConfig, fmt::format("{}: {}", where.at(node), problem), field);
}

template <size_t N>
Status check_keys(const Where& where, const YAML::Node& map, const std::string_view (&allowed)[N]) {
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(std::begin(allowed), std::end(allowed), key) == std::end(allowed)) {
      std::string known;
      for (std::string_view name : allowed) known += (known.empty() ? "" : ", ") + std::string(name);
      return fail(where, entry.first, fmt::format("unknown key '{}': expected {}", key, known));
    }
  }
  return Status::ok();
}

Result<std::vector<std::string>> string_list(const Where& where, const YAML::Node& node,
                                             std::string_view key) {
  if (!node.IsSequence()) {
    return fail(where, node, fmt::format("'{}' must be a list of column names", key));
  }
  std::vector<std::string> names;
  for (const auto& item : node) {
    if (!item.IsScalar()) return fail(where, item, fmt::format("'{}' items must be column names", key));
    names.push_back(item.Scalar());
  }
  return names;
}

Result<bool> flag(const Where& where, const YAML::Node& node, std::string_view key) {
  if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
    return node.Scalar() == "true";
  }
  return fail(where, node, fmt::format("'{}' must be true or false", key));
}

Status check_columns_exist(const Where& where, const YAML::Node& node, const TableSchema& table,
                           const std::vector<std::string>& names, std::string_view key) {
  for (const std::string& name : names) {
    if (table.column(name) == nullptr) {
      return fail(where, node, fmt::format("'{}' names column '{}', which the table does not declare",
                                           key, name));
    }
  }
  return Status::ok();
}

Result<ColumnDef> parse_column(Where where, const YAML::Node& node) {
  if (!node.IsMap()) return fail(where, node, "each column must be a mapping with name and type");
  if (!node["name"] || !node["name"].IsScalar()) return fail(where, node, "a column has no name");
  where.column = node["name"].Scalar();
  MYSTOCKS_RETURN_IF_ERROR(check_keys(where, node, kColumnKeys));
  if (!node["type"] || !node["type"].IsScalar()) return fail(where, node, "has no type");
  Result<std::pair<ColumnType, int>> type = parse_column_type(node["type"].Scalar());
  if (!type.is_ok()) return fail(where, node["type"], type.status().message());
  ColumnDef column;
  column.field = Field{where.column, type->first, type->second, false};
  if (node["nullable"]) {
    Result<bool> nullable = flag(where, node["nullable"], "nullable");
    if (!nullable.is_ok()) return nullable.status();
    column.field.nullable = *nullable;
  }
  if (node["tag"]) {
    Result<bool> tag = flag(where, node["tag"], "tag");
    if (!tag.is_ok()) return tag.status();
    column.tag = *tag;
  }
  if (node["description"]) column.description = node["description"].as<std::string>();
  return column;
}

Result<TableSchema> parse_table(const Where& where, const YAML::Node& key, const YAML::Node& body) {
  if (!body.IsMap()) return fail(where, key, "must be a mapping");
  MYSTOCKS_RETURN_IF_ERROR(check_keys(where, body, kTableKeys));
  TableSchema table;
  table.name = where.table;
  if (!body["classification"]) return fail(where, key, "has no classification");
  Result<DataClassification> classification = parse_classification(body["classification"].Scalar());
  if (!classification.is_ok()) return fail(where, body["classification"], classification.status().message());
  table.classification = *classification;
  if (body["target"]) {
    Result<StoreKind> target = parse_store_kind(body["target"].Scalar());
    if (!target.is_ok()) return fail(where, body["target"], target.status().message());
    table.target_override = *target;
  }
  if (body["description"]) table.description = body["description"].as<std::string>();
  if (!body["columns"] || !body["columns"].IsSequence() || body["columns"].size() == 0) {
    return fail(where, key, "needs a non-empty 'columns' list");
  }
  std::set<std::string> seen;
  for (const auto& node : body["columns"]) {
    Result<ColumnDef> column = parse_column(where, node);
    if (!column.is_ok()) return column.status();
    if (!seen.insert(column->field.name).second) {
      return fail(Where{where.source, where.table, column->field.name}, node, "is declared twice");
    }
    table.columns.push_back(std::move(*column));
  }
  for (std::string_view list_key : {"primary_key", "unique_key"}) {
    const YAML::Node node = body[std::string(list_key)];
    if (!node) continue;
    Result<std::vector<std::string>> names = string_list(where, node, list_key);
    if (!names.is_ok()) return names.status();
    MYSTOCKS_RETURN_IF_ERROR(check_columns_exist(where, node, table, *names, list_key));
    (list_key == "primary_key" ? table.primary_key : table.unique_key) = std::move(*names);
  }
  for (const std::string_view list_key : {"indexes", "unique_indexes"}) {
    const YAML::Node lists = body[std::string(list_key)];
    if (!lists) continue;
    if (!lists.IsSequence()) {
      return fail(where, lists, fmt::format("'{}' must be a list of column lists", list_key));
    }
    for (const auto& index : lists) {
      Result<std::vector<std::string>> names = string_list(where, index, list_key);
      if (!names.is_ok()) return names.status();
      if (names->empty()) {
        return fail(where, index, fmt::format("'{}' has an empty column list", list_key));
      }
      MYSTOCKS_RETURN_IF_ERROR(check_columns_exist(where, index, table, *names, list_key));
      (list_key == "indexes" ? table.indexes : table.unique_indexes).push_back(std::move(*names));
    }
  }
  if (body["partition"]) {
    const std::string text = body["partition"].Scalar();
    static constexpr std::pair<std::string_view, Partitioning> kChoices[] = {
        {"none", Partitioning::kNone}, {"day", Partitioning::kDay},
        {"month", Partitioning::kMonth}, {"year", Partitioning::kYear}};
    auto it = std::find_if(std::begin(kChoices), std::end(kChoices),
                           [&](const auto& choice) { return choice.first == text; });
    if (it == std::end(kChoices)) {
      return fail(where, body["partition"],
                  fmt::format("partition '{}' is unknown: expected none, day, month or year", text));
    }
    table.partition = it->second;
  }
  if (body["retention_days"]) {
    int days = -1;
    try {
      days = body["retention_days"].as<int>();
    } catch (const YAML::Exception&) {
      days = -1;
    }
    if (days < 0) return fail(where, body["retention_days"], "retention_days must be an integer >= 0");
    table.retention_days = days;
  }
  if (body["time_column"]) {
    table.time_column = body["time_column"].Scalar();
    const ColumnDef* time = table.column(table.time_column);
    if (time == nullptr || time->field.type != ColumnType::kTimestamp || time->field.nullable) {
      return fail(where, body["time_column"],
                  fmt::format("time_column '{}' must name a non-nullable timestamp column",
                              table.time_column));
    }
  }
  if (table.target() == StoreKind::kTimeSeries) {
    if (table.time_column.empty()) return fail(where, key, "is a time-series table and needs a time_column");
    if (table.tag_columns().empty()) {
      return fail(where, key, "is a time-series table and needs at least one tag column (symbol)");
    }
    if (table.unique_key.empty()) {
      table.unique_key = table.tag_columns();
      table.unique_key.push_back(table.time_column);
    }
    // tsdb's only identity is series + time; it could not keep a promise of another.
    if (!table.unique_indexes.empty()) {
      return fail(where, body["unique_indexes"],
                  "unique_indexes are for relational tables; a time-series table's identity is "
                  "its tags and time");
    }
  }
  if (table.unique_key.empty() && table.primary_key.empty()) {
    return fail(where, key, "needs a unique_key or primary_key (the identity used for upserts)");
  }
  if (table.unique_key.empty()) table.unique_key = table.primary_key;
  table.finalize();
  return table;
}

}  // namespace

namespace {

// The tables of a loaded document. REQUIRES: caller catches YAML::Exception.
Result<TableCatalog> catalog_from_yaml(const YAML::Node& root, const std::string& source_name) {
  const Where file{source_name, {}, {}};
  if (!root.IsMap() || !root["tables"] || !root["tables"].IsMap()) {
    return fail(file, root, "expected a top-level 'tables' mapping of table name to definition");
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    if (key != "tables" && key != "version") {
      return fail(file, entry.first, fmt::format("unknown top-level key '{}': expected version, tables", key));
    }
  }
  std::vector<TableSchema> tables;
  for (const auto& entry : root["tables"]) {
    const Where where{source_name, entry.first.as<std::string>(), {}};
    Result<TableSchema> table = parse_table(where, entry.first, entry.second);
    if (!table.is_ok()) return table.status();
    tables.push_back(std::move(*table));
  }
  return TableCatalog(std::move(tables));
}

}  // namespace

Result<TableCatalog> parse_tables_yaml(const std::string& yaml_text,
                                       const std::string& source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return error(ErrorCode::kInvalidConfig, "{}:{}:{}: YAML syntax error: {}", source_name,
                 e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  // yaml-cpp throws when a node does not convert (a list or mapping used as a table name or
  // key); the checks in catalog_from_yaml cover the shapes the file has, this turns any other
  // into an error naming the place instead of an exception ending the process (found by
  // fuzzing, tests/fuzz/tables_yaml_fuzz.cc).
  try {
    return catalog_from_yaml(root, source_name);
  } catch (const YAML::Exception& e) {
    return error(ErrorCode::kInvalidConfig, "{}:{}:{}: expected a plain name or value here: {}",
                 source_name, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
}

Result<TableCatalog> load_tables_yaml(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(ErrorCode::kInvalidConfig, "{}: table declarations not found", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_tables_yaml(text.str(), path);
}

}  // namespace mystocks::storage

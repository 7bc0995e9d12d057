// Loads config/tables.yaml into a TableCatalog. Every mistake is reported with the file, line,
// table and column: unknown keys, bad types, duplicate columns, keys naming missing columns,
// time-series tables without a time column or tags. Runs once at start-up; pure otherwise.
#pragma once

#include <string>

#include "core/status.h"
#include "storage/table_schema.h"

namespace mystocks::storage {

Result<TableCatalog> load_tables_yaml(const std::string& path);
Result<TableCatalog> parse_tables_yaml(const std::string& yaml_text, const std::string& source_name);

}  // namespace mystocks::storage

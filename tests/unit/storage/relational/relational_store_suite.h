// The behavioural test suite every RelationalStore must pass, written once and instantiated per
// backend: tests/unit/storage/sqlite (a temp file) and tests/integration/postgres (a private
// PostgreSQL 15). Each test gets a fresh, empty database from its backend.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "core/status.h"
#include "storage/relational_store.h"
#include "storage/table_schema.h"

namespace mystocks::storage::test {

struct RelationalBackend {
  std::string name;  // "sqlite", "postgres": the test-name suffix
  // Prepares an empty database and returns its name, to open stores on.
  std::function<Result<std::string>()> fresh_database;
  // Opens a new store object on `database` (calling it again reopens the same data).
  std::function<Result<std::unique_ptr<RelationalStore>>(const std::string& database,
                                                         int64_t max_result_rows)>
      open;
};

// Names the backend in GoogleTest output instead of dumping the struct's bytes.
inline void PrintTo(const RelationalBackend& backend, std::ostream* out) { *out << backend.name; }

class RelationalStoreSuite : public ::testing::TestWithParam<RelationalBackend> {
 protected:
  void SetUp() override;

  // Opens another store object on this test's database (the first one stays usable).
  std::unique_ptr<RelationalStore> reopen(int64_t max_result_rows = 1'000'000);
  const TableSchema& table(const std::string& name) const;

  std::string database_;
  std::unique_ptr<RelationalStore> store_;
  TableCatalog catalog_;
};

std::string backend_test_name(const ::testing::TestParamInfo<RelationalBackend>& info);

// The tables the suite uses (bars, typed, accounts), as tables.yaml text.
extern const char* const kSuiteTablesYaml;

}  // namespace mystocks::storage::test

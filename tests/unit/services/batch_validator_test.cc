// Row validation as a table of cases: each row's first problem, and selecting rows.
#include "services/batch_validator.h"

#include <limits>

#include <gtest/gtest.h>

#include "storage/tables_yaml.h"
#include "unit/storage/relational/batch_text.h"

namespace mystocks::services {
namespace {

using storage::test::make_batch;
using storage::test::rows_text;

storage::TableSchema constituents() {
  Result<storage::TableCatalog> catalog = storage::parse_tables_yaml(R"(
tables:
  index_constituents:
    classification: index_constituents
    columns:
      - {name: index_symbol, type: string}
      - {name: trade_date, type: date}
      - {name: symbol, type: string}
      - {name: weight, type: double, nullable: true}
      - {name: note, type: string, nullable: true}
    unique_key: [index_symbol, trade_date, symbol]
)",
                                                                     "t.yaml");
  EXPECT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  return **catalog->find("index_constituents");
}

TEST(BatchValidatorTest, ReportsTheFirstProblemOfEachRow) {
  const storage::TableSchema table = constituents();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const RecordBatch batch = make_batch(
      table, {},
      {{"000300.SH", 1, "600519.SH", 0.5, "ok"},
       {"000300", 1, "600519.SH", 0.5, nullptr},    // index_symbol not canonical
       {"000300.SH", 1, "sz000001", nan, nullptr},  // symbol first (column order), then nan
       {"000300.SH", 1, "600000.SH", -std::numeric_limits<double>::infinity(), nullptr},
       {"000300.SH", nullptr, "600000.SH", nullptr, nullptr},  // key is null
       {"000300.SH", 2, nullptr, nullptr, nullptr},
       {"000300.SH", 2, "600519.SH", nullptr, "the note may be null"}});
  ASSERT_TRUE(check_batch_schema(table, batch).is_ok());
  const RowCheck check = check_batch_rows(table, batch);
  EXPECT_EQ(check.valid_rows, (std::vector<uint32_t>{0, 6}));
  ASSERT_EQ(check.errors.size(), 5u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"index_symbol",
       "row 1 column 'index_symbol' holds '000300', which is not canonical: use '000300.SZ'"},
      {"symbol", "row 2 column 'symbol' holds 'sz000001', which is not canonical: use '000001.SZ'"},
      {"weight", "row 3 column 'weight' is -inf; send null for a missing number"},
      {"trade_date",
       "row 4 column 'trade_date' is null, but table 'index_constituents' declares it "
       "non-nullable"},
      {"symbol",
       "row 5 column 'symbol' is null, but table 'index_constituents' declares it non-nullable"},
  };
  for (size_t index = 0; index < expected.size(); ++index) {
    EXPECT_EQ(check.errors[index].column, expected[index].first) << index;
    EXPECT_EQ(check.errors[index].status.message(), expected[index].second) << index;
  }
  EXPECT_EQ(check.errors[0].status.code(), ErrorCode::kInvalidSymbol);
  EXPECT_EQ(check.errors[3].status.code(), ErrorCode::kInvalidArgument);
}

TEST(BatchValidatorTest, SelectRowsKeepsSchemaValuesAndNulls) {
  const storage::TableSchema table = constituents();
  const RecordBatch batch = make_batch(table, {},
                                       {{"000300.SH", 1, "a", 0.5, "x"},
                                        {"000300.SH", 2, "b", nullptr, nullptr},
                                        {"000300.SH", 3, "c", 1.5, "z"}});
  const RecordBatch picked = select_rows(batch, {1, 2});
  EXPECT_EQ(picked.schema(), batch.schema());
  EXPECT_EQ(rows_text(picked),
            (std::vector<std::string>{"000300.SH|2|b|NULL|NULL", "000300.SH|3|c|1.5|z"}));
  EXPECT_EQ(select_rows(batch, {}).num_rows(), 0u);
}

}  // namespace
}  // namespace mystocks::services

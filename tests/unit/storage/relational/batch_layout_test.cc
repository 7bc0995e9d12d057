// Matching batches to tables, and which rows survive when a batch repeats a key.
#include "storage/relational/batch_layout.h"

#include <gtest/gtest.h>

#include "storage/tables_yaml.h"
#include "unit/storage/relational/batch_text.h"

namespace mystocks::storage {
namespace {

TableSchema users() {
  Result<TableCatalog> catalog = parse_tables_yaml(R"(
tables:
  users:
    classification: users
    columns:
      - {name: user_id, type: string}
      - {name: username, type: string}
      - {name: logins, type: int32}
      - {name: email, type: string, nullable: true}
    primary_key: [user_id]
    unique_key: [username]
)",
                                                   "t.yaml");
  EXPECT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  return **catalog->find("users");
}

TEST(BatchLayoutTest, MapsColumnsAndLeavesBothKeysOutOfTheUpdate) {
  const TableSchema table = users();
  Result<BatchLayout> layout =
      layout_batch(table, test::make_batch(table, {"email", "username", "logins", "user_id"},
                                           {{nullptr, "a", 1, "u1"}}));
  ASSERT_TRUE(layout.is_ok()) << layout.status().to_string();
  EXPECT_EQ(layout->columns, (std::vector<std::string>{"email", "username", "logins", "user_id"}));
  EXPECT_EQ(layout->update_columns, (std::vector<std::string>{"email", "logins"}));
  EXPECT_EQ(layout->key_positions, (std::vector<size_t>{1}));
  EXPECT_EQ(layout->fields[2]->type, ColumnType::kInt32);
}

TEST(BatchLayoutTest, LastOccurrenceOfEachKeyWins) {
  const TableSchema table = users();
  const RecordBatch unique =
      test::make_batch(table, {}, {{"u1", "a", 1, nullptr}, {"u2", "b", 1, nullptr}});
  EXPECT_FALSE(last_occurrence_rows(unique, {1}).has_value());
  const RecordBatch repeated = test::make_batch(table, {},
                                                {{"u1", "a", 1, nullptr},
                                                 {"u2", "b", 1, nullptr},
                                                 {"u3", "a", 2, nullptr},
                                                 {"u4", "ab", 1, nullptr},
                                                 {"u5", "b", 9, nullptr}});
  EXPECT_EQ(last_occurrence_rows(repeated, {1}), (std::vector<uint32_t>{2, 3, 4}));
  // Composite keys compare cell by cell: ("a","bc") and ("ab","c") are different keys.
  const RecordBatch composite =
      test::make_batch(table, {}, {{"a", "bc", 1, nullptr}, {"ab", "c", 1, nullptr}});
  EXPECT_FALSE(last_occurrence_rows(composite, {0, 1}).has_value());
}

}  // namespace
}  // namespace mystocks::storage

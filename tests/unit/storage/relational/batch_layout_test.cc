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
  EXPECT_FALSE(rows_to_write(unique, {1}).has_value());
  const RecordBatch repeated = test::make_batch(table, {},
                                                {{"u1", "a", 1, nullptr},
                                                 {"u2", "b", 1, nullptr},
                                                 {"u3", "a", 2, nullptr},
                                                 {"u4", "ab", 1, nullptr},
                                                 {"u5", "b", 9, nullptr}});
  EXPECT_EQ(rows_to_write(repeated, {1}), (std::vector<uint32_t>{2, 3, 4}));
  // Composite keys compare cell by cell: ("a","bc") and ("ab","c") are different keys.
  const RecordBatch composite =
      test::make_batch(table, {}, {{"a", "bc", 1, nullptr}, {"ab", "c", 1, nullptr}});
  EXPECT_FALSE(rows_to_write(composite, {0, 1}).has_value());
}

// Batches in runs of one first-key value come back in key order without hashing; others must
// still have their repeats found wherever they are.
TEST(BatchLayoutTest, OrdersRunsByKeyAndFindsRepeatsAnywhere) {
  const TableSchema table = users();
  const RecordBatch descending = test::make_batch(
      table, {}, {{"u3", "c", 1, nullptr}, {"u2", "b", 1, nullptr}, {"u1", "a", 1, nullptr}});
  EXPECT_EQ(rows_to_write(descending, {1}), (std::vector<uint32_t>{2, 1, 0}));
  // Ascending on the first key column with ties broken by the second: no repeat.
  const RecordBatch composite = test::make_batch(
      table, {}, {{"a", "x", 1, nullptr}, {"a", "y", 1, nullptr}, {"b", "x", 1, nullptr}});
  EXPECT_FALSE(rows_to_write(composite, {0, 1}).has_value());
  // Runs of one first-column value in any order (symbols grouped, not sorted), and a run that
  // comes back later with a key it already had.
  const RecordBatch grouped = test::make_batch(
      table, {}, {{"b", "1", 1, nullptr}, {"b", "2", 1, nullptr}, {"a", "1", 1, nullptr}});
  EXPECT_EQ(rows_to_write(grouped, {0, 1}), (std::vector<uint32_t>{2, 0, 1}));
  const RecordBatch returning = test::make_batch(
      table, {}, {{"b", "1", 1, nullptr}, {"a", "1", 1, nullptr}, {"b", "1", 2, nullptr}});
  EXPECT_EQ(rows_to_write(returning, {0, 1}), (std::vector<uint32_t>{1, 2}));
  // Adjacent equal keys; and runs that are out of order (null first) and repeat "e".
  const RecordBatch adjacent =
      test::make_batch(table, {}, {{"u1", "a", 1, nullptr}, {"u2", "a", 2, nullptr}});
  EXPECT_EQ(rows_to_write(adjacent, {1}), (std::vector<uint32_t>{1}));
  const RecordBatch nulls = test::make_batch(
      table, {}, {{"u1", "a", 1, "e"}, {"u2", "b", 1, nullptr}, {"u3", "c", 1, "e"}});
  EXPECT_EQ(rows_to_write(nulls, {3}), (std::vector<uint32_t>{1, 2}));
}

}  // namespace
}  // namespace mystocks::storage

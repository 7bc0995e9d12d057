#include "sources/data_type.h"

#include <gtest/gtest.h>

#include "sources/data_source.h"

namespace mystocks::sources {
namespace {

struct DatasetCase {
  std::string_view text;
  bool ok;
  DataType type;
  BarInterval interval;
};

TEST(DataTypeTest, ParsesDatasetsAsTheIngestCliSpellsThem) {
  const DatasetCase cases[] = {
      {"daily", true, DataType::kDaily, BarInterval::k1m},
      {"index_daily", true, DataType::kIndexDaily, BarInterval::k1m},
      {"minute", true, DataType::kMinute, BarInterval::k1m},
      {"minute:5m", true, DataType::kMinute, BarInterval::k5m},
      {"minute:60m", true, DataType::kMinute, BarInterval::k60m},
      {"tick", true, DataType::kTick, BarInterval::k1m},
      {"realtime", true, DataType::kRealtimeQuotes, BarInterval::k1m},
      {"minute:2m", false, DataType::kMinute, BarInterval::k1m},
      {"daily:5m", false, DataType::kDaily, BarInterval::k1m},
      {"weekly", false, DataType::kDaily, BarInterval::k1m},
  };
  for (const DatasetCase& c : cases) {
    Result<Dataset> parsed = parse_dataset(c.text);
    ASSERT_EQ(parsed.is_ok(), c.ok) << c.text << ": " << parsed.status().to_string();
    if (!c.ok) {
      EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument) << c.text;
      continue;
    }
    EXPECT_EQ(parsed->type, c.type) << c.text;
    EXPECT_EQ(parsed->interval, c.interval) << c.text;
  }
  EXPECT_EQ(parse_dataset("minute:15m")->to_string(), "minute:15m");
}

TEST(DataTypeTest, EveryTypeNamesItsTableExceptNews) {
  for (DataType type : all_data_types()) {
    EXPECT_EQ(parse_data_type(data_type_name(type)).value(), type);
    EXPECT_EQ(table_for(type).empty(), type == DataType::kNews) << data_type_name(type);
  }
  EXPECT_EQ(table_for(DataType::kIndexDaily), "daily_kline");
  EXPECT_EQ(table_for(DataType::kTick), "tick");
}

class NothingSource final : public IDataSource {
 public:
  std::string_view name() const override { return "empty"; }
  std::string_view type() const override { return "nothing"; }
};

TEST(DataTypeTest, DefaultOperationsAreUnsupportedNamingSourceAndOperation) {
  NothingSource source;
  for (DataType type : all_data_types()) {
    Result<RecordBatch> result = fetch(source, type, SourceRequest{});
    ASSERT_FALSE(result.is_ok());
    EXPECT_EQ(result.status().code(), ErrorCode::kUnsupported);
    EXPECT_NE(result.status().message().find("'empty'"), std::string::npos);
    EXPECT_NE(result.status().message().find(operation_name(type)), std::string::npos)
        << result.status().message();
  }
}

}  // namespace
}  // namespace mystocks::sources

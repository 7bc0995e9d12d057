// Failover across sources, its metrics, and the factory that builds sources from configuration.
#include <deque>

#include "core/clock.h"
#include "core/config.h"
#include "sources/failover_source.h"
#include "sources/source_factory.h"
#include "unit/sources/sources_test_env.h"

namespace mystocks::sources::test {
namespace {

// A source whose daily_bars answers from a script: a code per call (kOk = a one-row batch).
class ScriptedSource final : public IDataSource {
 public:
  ScriptedSource(std::string name, std::deque<ErrorCode> script)
      : name_(std::move(name)), script_(std::move(script)) {}
  std::string_view name() const override { return name_; }
  std::string_view type() const override { return "scripted"; }
  Result<RecordBatch> daily_bars(const SourceRequest&) override {
    ++calls;
    const ErrorCode code = script_.empty() ? ErrorCode::kOk : script_.front();
    if (!script_.empty()) script_.pop_front();
    if (code == ErrorCode::kUnsupported) return unsupported(DataType::kDaily);
    if (code != ErrorCode::kOk) return Status(code, name_ + " failed");
    const storage::TableSchema& daily = table("daily_kline");
    std::vector<Column> columns;
    for (const Field& field : daily.schema()->fields()) {
      ColumnValues values = empty_values_for(field.type);
      std::visit([](auto& v) { v.emplace_back(); }, values);
      columns.emplace_back(std::move(values));
    }
    std::get<std::vector<std::string>>(columns[0].mutable_values())[0] = name_;
    return RecordBatch::make(daily.schema(), std::move(columns));
  }
  int calls = 0;

 private:
  std::string name_;
  std::deque<ErrorCode> script_;
};

struct FailoverCase {
  std::string_view name;
  std::deque<ErrorCode> primary;
  std::deque<ErrorCode> backup;
  ErrorCode result;            // kOk: served
  std::string_view served_by;  // when kOk
  int backup_calls;
};

class FailoverTest : public ::testing::Test {
 protected:
  std::unique_ptr<FailoverSource> make(std::deque<ErrorCode> primary, std::deque<ErrorCode> backup,
                                       ScriptedSource** primary_out = nullptr,
                                       ScriptedSource** backup_out = nullptr) {
    std::vector<std::unique_ptr<IDataSource>> sources;
    auto first = std::make_unique<ScriptedSource>("primary", std::move(primary));
    auto second = std::make_unique<ScriptedSource>("backup", std::move(backup));
    if (primary_out != nullptr) *primary_out = first.get();
    if (backup_out != nullptr) *backup_out = second.get();
    sources.push_back(std::move(first));
    sources.push_back(std::move(second));
    PriorityMap priorities{{DataType::kDaily, {"primary", "backup"}}};
    Result<std::unique_ptr<FailoverSource>> failover = FailoverSource::create(
        "sources", std::move(sources), priorities, {"primary"}, metrics_, clock_);
    EXPECT_TRUE(failover.is_ok()) << failover.status().to_string();
    return std::move(failover).value();
  }
  double counter(const std::string& name, const std::vector<std::string>& labels,
                 std::vector<std::string> label_names) {
    return metrics_.counter(name, "", std::move(label_names)).with(labels).value();
  }
  MetricsRegistry metrics_;
  ManualClock clock_{0};
};

TEST_F(FailoverTest, FallsThroughOnUnavailableAndUnsupportedOnly) {
  const FailoverCase cases[] = {
      {"primary serves", {ErrorCode::kOk}, {}, ErrorCode::kOk, "primary", 0},
      {"primary down", {ErrorCode::kUnavailable}, {ErrorCode::kOk}, ErrorCode::kOk, "backup", 1},
      {"primary timed out",
       {ErrorCode::kDeadlineExceeded},
       {ErrorCode::kOk},
       ErrorCode::kOk,
       "backup",
       1},
      {"primary unsupported",
       {ErrorCode::kUnsupported},
       {ErrorCode::kOk},
       ErrorCode::kOk,
       "backup",
       1},
      {"bad request is not retried",
       {ErrorCode::kInvalidArgument},
       {ErrorCode::kOk},
       ErrorCode::kInvalidArgument,
       "",
       0},
      {"unknown symbol is not retried",
       {ErrorCode::kNotFound},
       {ErrorCode::kOk},
       ErrorCode::kNotFound,
       "",
       0},
      {"both down",
       {ErrorCode::kUnavailable},
       {ErrorCode::kUnavailable},
       ErrorCode::kUnavailable,
       "",
       1},
      {"down then unsupported",
       {ErrorCode::kUnavailable},
       {ErrorCode::kUnsupported},
       ErrorCode::kUnavailable,
       "",
       1},
      {"nobody supports it",
       {ErrorCode::kUnsupported},
       {ErrorCode::kUnsupported},
       ErrorCode::kUnsupported,
       "",
       1},
  };
  for (const FailoverCase& c : cases) {
    ScriptedSource* backup = nullptr;
    auto failover = make(c.primary, c.backup, nullptr, &backup);
    Result<RecordBatch> result = failover->daily_bars(SourceRequest{});
    EXPECT_EQ(result.status().code(), c.result) << c.name << ": " << result.status().to_string();
    if (result.is_ok()) {
      EXPECT_EQ(column<std::string>(*result, "symbol")[0], c.served_by) << c.name;
    }
    EXPECT_EQ(backup->calls, c.backup_calls) << c.name;
  }
}

TEST_F(FailoverTest, TheFinalErrorNamesWhatEverySourceSaid) {
  auto failover = make({ErrorCode::kUnavailable}, {ErrorCode::kUnsupported});
  Result<RecordBatch> result = failover->daily_bars(SourceRequest{});
  ASSERT_EQ(result.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(result.status().message().find("primary: UNAVAILABLE: primary failed"),
            std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find(
                "backup: UNSUPPORTED: source 'backup' (scripted) does not support daily_bars"),
            std::string::npos)
      << result.status().message();
}

TEST_F(FailoverTest, CountsRequestsFailoversAndRows) {
  auto failover = make({ErrorCode::kUnavailable, ErrorCode::kOk}, {ErrorCode::kOk});
  ASSERT_TRUE(failover->daily_bars(SourceRequest{}).is_ok());
  ASSERT_TRUE(failover->daily_bars(SourceRequest{}).is_ok());
  const std::vector<std::string> labels = {"source", "data_type", "outcome"};
  EXPECT_EQ(counter("mystocks_source_requests_total", {"primary", "daily", "unavailable"}, labels),
            1);
  EXPECT_EQ(counter("mystocks_source_requests_total", {"primary", "daily", "ok"}, labels), 1);
  EXPECT_EQ(counter("mystocks_source_requests_total", {"backup", "daily", "ok"}, labels), 1);
  EXPECT_EQ(counter("mystocks_source_failovers_total", {"daily", "primary"}, {"data_type", "from"}),
            1);
  EXPECT_EQ(counter("mystocks_source_rows_total", {"backup", "daily"}, {"source", "data_type"}), 1);
  EXPECT_NE(metrics_.expose().find("mystocks_source_request_seconds_bucket"), std::string::npos);
}

TEST_F(FailoverTest, UsesTheDefaultOrderForTypesWithoutAList) {
  auto failover = make({}, {});
  EXPECT_EQ(failover->priority(DataType::kDaily), (std::vector<std::string>{"primary", "backup"}));
  EXPECT_EQ(failover->priority(DataType::kTick), (std::vector<std::string>{"primary"}));
  Result<RecordBatch> ticks = failover->ticks(SourceRequest{});
  EXPECT_EQ(ticks.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(failover->find("backup"), nullptr);
  EXPECT_EQ(failover->find("tertiary"), nullptr);
}

TEST_F(FailoverTest, RefusesPriorityListsNamingUnknownSources) {
  std::vector<std::unique_ptr<IDataSource>> sources;
  sources.push_back(std::make_unique<ScriptedSource>("primary", std::deque<ErrorCode>{}));
  Result<std::unique_ptr<FailoverSource>> failover = FailoverSource::create(
      "sources", std::move(sources), PriorityMap{{DataType::kTick, {"primary", "ghost"}}},
      {"primary"}, metrics_, clock_);
  ASSERT_FALSE(failover.is_ok());
  EXPECT_EQ(failover.status().code(), ErrorCode::kInvalidConfig);
  EXPECT_EQ(failover.status().field(), "sources.priority_tick");
  EXPECT_NE(failover.status().message().find("'ghost'"), std::string::npos);
}

// --- factory -------------------------------------------------------------------------------

class FactoryTest : public ::testing::Test {
 protected:
  SourceContext context() {
    SourceContext out;
    out.config = &config_;
    out.catalog = catalog();
    out.clock = &clock_;
    out.metrics = &metrics_;
    return out;
  }
  SourcesConfig config_;
  MetricsRegistry metrics_;
  ManualClock clock_{*parse_timestamp("2024-05-07T02:00:00Z")};
};

TEST_F(FactoryTest, ParsesInstanceLists) {
  EXPECT_EQ(*parse_source_specs("simulator", "k"),
            (std::vector<SourceSpec>{{"simulator", "simulator"}}));
  EXPECT_EQ(*parse_source_specs(" primary = simulator , backup=csv ", "k"),
            (std::vector<SourceSpec>{{"primary", "simulator"}, {"backup", "csv"}}));
  const std::pair<std::string_view, std::string_view> bad[] = {{"", "is empty"},
                                                               {"a=b,a=c", "appears twice"},
                                                               {"pri mary=sim", "not name=type"},
                                                               {"=csv", "not name=type"}};
  for (const auto& [text, why] : bad) {
    Result<std::vector<SourceSpec>> specs = parse_source_specs(text, "sources.instances");
    ASSERT_FALSE(specs.is_ok()) << text;
    EXPECT_EQ(specs.status().code(), ErrorCode::kInvalidConfig);
    EXPECT_NE(specs.status().message().find(why), std::string::npos) << specs.status().message();
  }
}

TEST_F(FactoryTest, BuildsTheShippedDefaults) {
  Result<Config> shipped = load_config(mystocks::test::source_path("config/mystocks.yaml"), "");
  ASSERT_TRUE(shipped.is_ok()) << shipped.status().to_string();
  config_ = shipped->sources;
  config_.simulator_symbols = 20;
  Result<std::unique_ptr<FailoverSource>> sources =
      build_sources(SourceFactory::with_builtin_types(), context());
  ASSERT_TRUE(sources.is_ok()) << sources.status().to_string();
  ASSERT_NE((*sources)->find("simulator"), nullptr);
  Result<RecordBatch> calendar = (*sources)->trade_calendar(
      SourceRequest::range({}, *parse_date("2024-05-01"), *parse_date("2024-05-07")));
  ASSERT_TRUE(calendar.is_ok()) << calendar.status().to_string();
  EXPECT_EQ(calendar->num_rows(), 21u);
  EXPECT_EQ((*sources)->news(SourceRequest{}).status().code(), ErrorCode::kUnsupported);
}

TEST_F(FactoryTest, ReportsUnknownTypesAndBrokenSettings) {
  const SourceFactory factory = SourceFactory::with_builtin_types();
  config_.instances = "primary=simulator,backup=ftp";
  Result<std::unique_ptr<FailoverSource>> unknown = build_sources(factory, context());
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kInvalidConfig);
  EXPECT_NE(unknown.status().message().find(
                "source 'backup' has type 'ftp', which is unknown: expected one of csv, simulator"),
            std::string::npos)
      << unknown.status().message();

  config_.instances = "primary=simulator";
  config_.priority = "primary";
  config_.priority_daily = "primary,backup";
  Result<std::unique_ptr<FailoverSource>> missing = build_sources(factory, context());
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().field(), "sources.priority_daily");

  config_.priority_daily = "";
  config_.instances = "files=csv";
  config_.priority = "files";
  config_.csv_dir = "/nonexistent/mystocks-import";
  Result<std::unique_ptr<FailoverSource>> no_dir = build_sources(factory, context());
  ASSERT_FALSE(no_dir.is_ok());
  EXPECT_EQ(no_dir.status().field(), "sources.csv_dir");
  EXPECT_NE(no_dir.status().message().find("creating source 'files'"), std::string::npos);

  config_.csv_dir = "/tmp";
  config_.csv_columns = "qty=volume*7";
  Result<std::unique_ptr<FailoverSource>> bad_mapping = build_sources(factory, context());
  ASSERT_FALSE(bad_mapping.is_ok());
  EXPECT_EQ(bad_mapping.status().field(), "sources.csv_columns");
}

TEST_F(FactoryTest, RegisteredTypesJoinTheBuiltInOnes) {
  SourceFactory factory = SourceFactory::with_builtin_types();
  Status registered = factory.register_type(
      "scripted",
      [](const SourceSpec& spec, const SourceContext&) -> Result<std::unique_ptr<IDataSource>> {
        return std::unique_ptr<IDataSource>(std::make_unique<ScriptedSource>(
            spec.name, std::deque<ErrorCode>{ErrorCode::kUnavailable}));
      });
  ASSERT_TRUE(registered.is_ok());
  EXPECT_EQ(factory.register_type("scripted", nullptr).code(), ErrorCode::kAlreadyExists);
  config_.instances = "flaky=scripted,simulator";
  config_.simulator_symbols = 20;
  config_.priority = "flaky,simulator";
  Result<std::unique_ptr<FailoverSource>> sources = build_sources(factory, context());
  ASSERT_TRUE(sources.is_ok()) << sources.status().to_string();
  // The scripted source is down: daily bars come from the simulator.
  Result<RecordBatch> daily = (*sources)->daily_bars(
      SourceRequest::range({}, *parse_date("2024-05-06"), *parse_date("2024-05-06")));
  ASSERT_TRUE(daily.is_ok()) << daily.status().to_string();
  EXPECT_GT(daily->num_rows(), 10u);
}

}  // namespace
}  // namespace mystocks::sources::test

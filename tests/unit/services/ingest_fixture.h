// The ingest test fixture: the stores of support/embedded_stores.h over the sources tests'
// catalog, a deterministic simulator source on a manual clock, and
// source wrappers that corrupt rows, fail after N fetches, cancel the job or block until
// released - the planted errors and interruptions the pipeline tests need.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "services/data_manager.h"
#include "services/ingest_pipeline.h"
#include "sources/batch_ops.h"
#include "sources/simulator/simulator_source.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/tsdb/tsdb_store.h"
#include "support/assert_status.h"
#include "support/embedded_stores.h"
#include "support/temp_dir.h"
#include "unit/sources/sources_test_env.h"

namespace mystocks::services::test {

using sources::test::catalog;
using sources::test::render;

// Delegates every operation to `inner`; `on_fetch` may replace a result (corrupt it, fail it)
// and sees how many fetches came before.
class WrappingSource : public sources::IDataSource {
 public:
  using Hook = std::function<Result<RecordBatch>(int call, Result<RecordBatch> result)>;
  WrappingSource(sources::IDataSource& inner, Hook on_fetch)
      : inner_(inner), on_fetch_(std::move(on_fetch)) {}

  std::string_view name() const override { return "wrapped"; }
  std::string_view type() const override { return "test"; }
  Result<RecordBatch> daily_bars(const sources::SourceRequest& r) override {
    return hook(inner_.daily_bars(r));
  }
  Result<RecordBatch> index_daily_bars(const sources::SourceRequest& r) override {
    return hook(inner_.index_daily_bars(r));
  }
  Result<RecordBatch> minute_bars(const sources::SourceRequest& r) override {
    return hook(inner_.minute_bars(r));
  }
  Result<RecordBatch> ticks(const sources::SourceRequest& r) override {
    return hook(inner_.ticks(r));
  }
  Result<RecordBatch> symbols(const sources::SourceRequest& r) override {
    return inner_.symbols(r);
  }
  int calls() const { return calls_; }

 private:
  Result<RecordBatch> hook(Result<RecordBatch> result) {
    const int call = calls_++;
    return on_fetch_ ? on_fetch_(call, std::move(result)) : std::move(result);
  }
  sources::IDataSource& inner_;
  Hook on_fetch_;
  int calls_ = 0;
};

// A batch with one value replaced (int64/decimal column).
inline RecordBatch with_value(const RecordBatch& batch, std::string_view column, size_t row,
                              int64_t value) {
  std::vector<Column> columns;
  for (size_t index = 0; index < batch.num_columns(); ++index)
    columns.push_back(batch.column(index));
  const size_t index = *batch.schema().index_of(column);
  columns[index].mutable_as<int64_t>()[row] = value;
  return std::move(RecordBatch::make(batch.schema_ptr(), std::move(columns))).value();
}

inline int64_t value_at(const RecordBatch& batch, std::string_view column, size_t row) {
  return batch.column(column)->as<int64_t>()[row];
}

class IngestTest : public ::testing::Test, protected mystocks::test::EmbeddedStores {
 protected:
  // The canonical symbols of the simulator's first `count` securities, in symbol order.
  std::vector<std::string> first_symbols(size_t count) const {
    std::vector<std::string> out;
    const sources::Universe& universe = simulator_->simulator()->universe();
    for (uint32_t index : universe.sorted_securities()) {
      if (out.size() == count) break;
      out.push_back(universe.securities()[index].canonical);
    }
    return out;
  }

  IngestTest() : EmbeddedStores(sources::test::at(2026, 11, 25, 10, 0)) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_stores("ingest_", catalog(), /*tsdb_background_work=*/true));
    data_->subscribe([this](const DataChanged& event) {
      std::lock_guard lock(events_mutex_);
      events_.push_back(event);
    });
    Result<std::unique_ptr<sources::SimulatorSource>> simulator = sources::SimulatorSource::create(
        "simulator", sources::SimulatorOptions{7, 20}, catalog(), clock_);
    ASSERT_TRUE(simulator.is_ok()) << simulator.status().to_string();
    simulator_ = std::move(*simulator);
    pipeline_ = std::make_unique<IngestPipeline>(*data_, *catalog(), clock_,
                                                 IngestOptions{.chunk_symbols = 2});
  }

  static IngestJobSpec daily_spec(std::vector<std::string> symbols, std::string_view from,
                                  std::string_view to,
                                  SaveStrategy strategy = SaveStrategy::kRollback) {
    IngestJobSpec spec;
    spec.dataset = {sources::DataType::kDaily};
    for (const std::string& text : symbols) spec.symbols.push_back(*Symbol::parse(text));
    spec.all_symbols = symbols.empty();
    spec.from = *parse_date(from);
    spec.to = *parse_date(to);
    spec.strategy = strategy;
    return spec;
  }

  IngestSummary run(const IngestJobSpec& spec, sources::IDataSource* source = nullptr) {
    IngestProgress progress(clock_);
    return pipeline_->run(spec, source != nullptr ? *source : *simulator_, progress);
  }

  // What the simulator itself returns for the job's request, one fetch.
  RecordBatch expected(const IngestJobSpec& spec) {
    sources::SourceRequest request =
        sources::SourceRequest::range(spec.symbols, spec.from, spec.to);
    request.interval = spec.dataset.interval;
    Result<RecordBatch> rows = sources::fetch(*simulator_, spec.dataset.type, request);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() ? std::move(*rows) : RecordBatch();
  }

  // "symbol date" of every row (symbol + time column), in store order.
  std::vector<std::string> keys(const std::string& table, const RecordBatch& batch) {
    const storage::TableSchema& schema = sources::test::table(table);
    const std::string time = schema.time_column.empty() ? "trade_date" : schema.time_column;
    const size_t symbol = *batch.schema().index_of("symbol");
    const size_t when = *batch.schema().index_of(time);
    std::vector<std::string> out;
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      out.push_back(render(batch, symbol, row) + " " + render(batch, when, row));
    }
    return out;
  }

  std::vector<std::string> stored_keys(const std::string& table, LoadQuery query = {}) {
    Result<RecordBatch> rows = data_->load(table, query);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() ? keys(table, *rows) : std::vector<std::string>{};
  }

  // data_quality_metrics as "check scope value status" lines.
  std::vector<std::string> quality_lines() {
    Result<RecordBatch> rows = data_->load("data_quality_metrics", {});
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    std::vector<std::string> out;
    if (!rows.is_ok()) return out;
    const auto& checks = rows->column("check_name")->as<std::string>();
    const auto& scopes = rows->column("scope")->as<std::string>();
    const auto& values = rows->column("value")->as<double>();
    const auto& statuses = rows->column("status")->as<std::string>();
    for (size_t row = 0; row < rows->num_rows(); ++row) {
      out.push_back(
          fmt::format("{} {} {} {}", checks[row], scopes[row], values[row], statuses[row]));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  size_t event_count() {
    std::lock_guard lock(events_mutex_);
    return events_.size();
  }

  std::unique_ptr<sources::SimulatorSource> simulator_;
  std::unique_ptr<IngestPipeline> pipeline_;
  std::mutex events_mutex_;
  std::vector<DataChanged> events_;
};

}  // namespace mystocks::services::test

// FakeTimeSeriesStore: an in-memory test double of storage::TimeSeriesStore for DataManager
// tests (the real engine lives in storage/tsdb). It records what it was asked to do, keeps
// written batches, can be told to fail the next writes, and answers scans with the rows of the
// last written batch. Test fixture only, not product code. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "storage/time_series_store.h"

namespace mystocks::services::test {

class FakeTimeSeriesStore final : public storage::TimeSeriesStore {
 public:
  Status create_table(const storage::TableSchema& table) override {
    created.push_back(table.name);
    return Status::ok();
  }
  Status write(const std::string& table, const RecordBatch& batch) override {
    ++write_calls;
    if (failures_left > 0) {
      --failures_left;
      return failure;
    }
    written.emplace_back(table, batch);
    return Status::ok();
  }
  Result<RecordBatch> scan(const std::string& table, const storage::ScanQuery& query) override {
    last_scan_table = table;
    last_scan = query;
    if (written.empty()) return RecordBatch();
    return written.back().second;
  }
  Result<RecordBatch> latest(const std::string&, const std::vector<std::string>&,
                             const std::vector<std::string>&) override {
    return Status(ErrorCode::kUnsupported, "fake");
  }
  Result<RecordBatch> aggregate(const std::string&, const storage::AggregateQuery&) override {
    return Status(ErrorCode::kUnsupported, "fake");
  }
  Result<int64_t> delete_range(const std::string&, const std::vector<std::string>&,
                               const std::map<std::string, std::string>&,
                               storage::TimeRange) override {
    return Status(ErrorCode::kUnsupported, "fake");
  }
  Result<int64_t> replace_range(const std::string&, const std::vector<std::string>&,
                                const std::map<std::string, std::string>&, storage::TimeRange,
                                const RecordBatch&) override {
    return Status(ErrorCode::kUnsupported, "fake");
  }
  Result<storage::RetentionReport> apply_retention(TimestampMs) override {
    return storage::RetentionReport{};
  }
  Result<storage::TableStats> stats(const std::string&) override {
    return Status(ErrorCode::kUnsupported, "fake");
  }
  Status check_health() override { return Status::ok(); }

  std::vector<std::string> created;
  std::vector<std::pair<std::string, RecordBatch>> written;
  int write_calls = 0;
  int failures_left = 0;
  Status failure{ErrorCode::kUnavailable, "fake time-series store is down"};
  std::string last_scan_table;
  storage::ScanQuery last_scan;
};

}  // namespace mystocks::services::test

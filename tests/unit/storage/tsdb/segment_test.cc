// Segment files and the MANIFEST: write/read round trips, raw chunk copies, and corruption of
// each part giving DATA_LOSS that names the file.
#include <fstream>

#include <gtest/gtest.h>

#include "fuzz/tsdb_fuzz_entries.h"
#include "storage/tsdb/manifest.h"
#include "storage/tsdb/segment_reader.h"
#include "storage/tsdb/segment_writer.h"
#include "support/assert_status.h"
#include "support/fuzz_findings.h"
#include "tsdb_test_util.h"

namespace mystocks::tsdb::test {
namespace {

class SegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TableInfo> info = TableInfo::make(quote_schema());
    ASSERT_TRUE(info.is_ok());
    table_ = std::move(*info);
    for (size_t index = 0; index < table_.value_indices.size(); ++index) all_.push_back(index);
    for (size_t index : table_.stored_indices) {
      columns_.push_back({table_.field(index).name, table_.field(index).type, table_.field(index).scale});
    }
  }

  SeriesRows rows(int count, int64_t base) {
    SeriesRows out = empty_series_rows(table_, all_);
    for (int row = 0; row < count; ++row) {
      out.ts.push_back(kDay0Open + row * 3000);
      out.columns[0].mutable_as<int64_t>().push_back(base + row * 10);
      out.columns[1].mutable_as<int64_t>().push_back(row * 100);
      out.columns[2].mutable_as<double>().push_back(row * 0.25);
      out.columns[3].mutable_as<int32_t>().push_back(row);
      out.columns[4].mutable_as<uint8_t>().push_back(row % 2);
      out.columns[5].mutable_as<std::string>().push_back(row % 3 ? "x" : "y");
    }
    return out;
  }

  std::filesystem::path write(const std::filesystem::path& path) {
    Result<SegmentWriter> writer = SegmentWriter::create(path, "quote", 19724, 5, columns_, {});
    EXPECT_TRUE(writer.is_ok());
    EXPECT_TRUE(writer->add_series("000001.SZ", rows(100, 1000)).is_ok());
    EXPECT_TRUE(writer->add_series("600519.SH", rows(4800, 170000)).is_ok());
    EXPECT_EQ(writer->add_series("000002.SZ", rows(1, 1)).code(), ErrorCode::kInternal);  // order
    Result<SegmentSummary> summary = writer->finish();
    EXPECT_TRUE(summary.is_ok());
    EXPECT_EQ(summary->rows, 4900u);
    return path;
  }

  TableInfo table_;
  ValueSelection all_;
  std::vector<SegmentColumn> columns_;
  mystocks::test::TempDir dir_ = make_temp_dir();
};

TEST_F(SegmentTest, RoundTripsWithProjectionAndTimeRange) {
  const auto path = write(dir_.path() / "a.seg");
  Result<std::shared_ptr<const SegmentReader>> reader = SegmentReader::open(path);
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  const SegmentIndex& index = (*reader)->index();
  ASSERT_EQ(index.series_count(), 2u);
  EXPECT_EQ(index.generation, 5u);
  const size_t series = index.find("600519.SH");
  ASSERT_EQ(series, 1u);
  EXPECT_EQ(index.find("600000.SH"), SIZE_MAX);
  Result<SeriesRows> all = (*reader)->read(series, table_, all_, {INT64_MIN, INT64_MAX});
  ASSERT_TRUE(all.is_ok());
  const SeriesRows expected = rows(4800, 170000);
  EXPECT_EQ(all->ts, expected.ts);
  for (size_t column = 0; column < all_.size(); ++column) {
    EXPECT_EQ(all->columns[column].values(), expected.columns[column].values()) << column;
  }
  Result<SeriesRows> some = (*reader)->read(series, table_, {1}, {kDay0Open + 3000, kDay0Open + 9000});
  ASSERT_TRUE(some.is_ok());
  EXPECT_EQ(some->ts.size(), 2u);
  EXPECT_EQ(some->columns[0].as<int64_t>(), (std::vector<int64_t>{100, 200}));
  MYSTOCKS_EXPECT_OK((*reader)->verify());
}

TEST_F(SegmentTest, RawChunksCopyIntoAnotherSegment) {
  const auto path = write(dir_.path() / "a.seg");
  auto reader = *SegmentReader::open(path);
  Result<SegmentWriter> writer = SegmentWriter::create(dir_.path() / "b.seg", "quote", 19724, 6, columns_, {});
  ASSERT_TRUE(writer.is_ok());
  std::string raw;
  MYSTOCKS_ASSERT_OK(reader->read_raw_chunk(1, raw));
  const SegmentIndex& index = reader->index();
  std::vector<uint32_t> lengths;
  for (size_t column = 0; column < index.columns.size(); ++column) lengths.push_back(index.block_length(1, column));
  MYSTOCKS_ASSERT_OK(writer->add_raw_series("600519.SH", index.rows[1], index.min_ts[1], index.max_ts[1], lengths, raw));
  ASSERT_TRUE(writer->finish().is_ok());
  auto copy = *SegmentReader::open(dir_.path() / "b.seg");
  MYSTOCKS_EXPECT_OK(copy->verify());
  EXPECT_EQ(copy->read(0, table_, all_, {INT64_MIN, INT64_MAX})->ts, rows(4800, 0).ts);
}

TEST_F(SegmentTest, CorruptionAnywhereIsDataLossNamingTheFile) {
  const auto path = write(dir_.path() / "a.seg");
  const auto size = std::filesystem::file_size(path);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t position = 0; position < size; position += std::max<size_t>(1, size / 300)) {
    std::string corrupt = bytes;
    corrupt[position] = static_cast<char>(corrupt[position] ^ 0x21);
    const auto bad = dir_.path() / "bad.seg";
    std::ofstream(bad, std::ios::binary | std::ios::trunc) << corrupt;
    Result<std::shared_ptr<const SegmentReader>> reader = SegmentReader::open(bad);
    Status status = reader.is_ok() ? (*reader)->verify() : reader.status();
    ASSERT_FALSE(status.is_ok()) << "byte " << position;
    EXPECT_EQ(status.code(), ErrorCode::kDataLoss) << position << ": " << status.message();
    EXPECT_NE(status.message().find(bad.string()), std::string::npos) << status.message();
  }
  std::ofstream(dir_.path() / "short.seg", std::ios::binary) << bytes.substr(0, 100);
  EXPECT_EQ(SegmentReader::open(dir_.path() / "short.seg").status().code(), ErrorCode::kDataLoss);
}

TEST(ManifestTest, RoundTripsAndDetectsCorruption) {
  ManifestData data;
  data.next_file_number = 42;
  data.next_generation = 7;
  data.wal_start = 40;
  data.tables.push_back(quote_schema());
  data.segments.push_back({"quote", 19724, 12, 3, 4096, 100, 2, kDay0Open, kDay0Open + 5000});
  std::string bytes;
  encode_manifest(data, bytes);
  Result<ManifestData> decoded = decode_manifest(bytes, "M");
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->next_file_number, 42u);
  EXPECT_EQ(decoded->tables[0].columns.size(), quote_schema().columns.size());
  EXPECT_EQ(decoded->tables[0].columns[2].field, quote_schema().columns[2].field);
  EXPECT_EQ(decoded->segments[0].max_ts, kDay0Open + 5000);
  for (size_t position = 0; position < bytes.size(); ++position) {
    std::string corrupt = bytes;
    corrupt[position] = static_cast<char>(corrupt[position] ^ 1);
    Result<ManifestData> bad = decode_manifest(corrupt, "M");
    EXPECT_FALSE(bad.is_ok()) << position;
    if (!bad.is_ok()) {
      EXPECT_NE(bad.status().message().find("tsdb manifest M"), std::string::npos);
    }
  }
}

// Inputs the tsdb_segment fuzzer found crashing (tests/golden/fuzz/tsdb_segment), replayed
// through the fuzz target's own entry (segment index, framed block, column block, whole file)
// under ASan+UBSan: each must fail cleanly. The first: an integer block whose codec is not
// "empty" but announces 0 values, which once wrote through an empty column's null pointer.
TEST(SegmentReaderTest, FuzzFindingsFailCleanly) {
  const auto findings = mystocks::test::fuzz_findings("tsdb_segment");
  ASSERT_FALSE(findings.empty());
  for (const auto& [name, bytes] : findings) {
    SCOPED_TRACE(name);
    fuzz::segment_input(bytes);
  }
  fuzz::remove_temp_segment();
  // The codec finding in particular is refused as damage, not decoded.
  Column column;
  const Status refused = decode_column(ColumnType::kInt64, findings.front().second, 0, column);
  EXPECT_EQ(refused.code(), ErrorCode::kDataLoss) << refused.to_string();
}

}  // namespace
}  // namespace mystocks::tsdb::test

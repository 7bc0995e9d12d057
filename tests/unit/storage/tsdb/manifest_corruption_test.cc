// A damaged MANIFEST (empty, cut short, any byte flipped, absurd lengths) makes open() fail with
// DATA_LOSS naming the file. It must never crash: not in the decoder, and not when the failed,
// half-open store is destroyed (that once flushed a store without a memtable: SIGSEGV). A failed
// open must also leave the directory as it was, so restoring the MANIFEST restores the store.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/crc32c.h"
#include "storage/tsdb/manifest.h"
#include "support/assert_status.h"
#include "tsdb_test_util.h"

namespace mystocks::tsdb::test {
namespace {

// Single-bit flips at both ends of a byte and a whole-byte flip.
constexpr uint8_t kFlipMasks[] = {0x01, 0x80, 0xFF};
constexpr size_t kHeaderBytes = kManifestMagic.size() + 12;

std::vector<QuoteRow> segment_rows() {
  return {{"600519.SH", kDay0Open, 1'700'000, 100, 0.5, 3, false, "a"},
          {"000001.SZ", kDay0Open + kDay, 10'500, 1000, -1.25, 7, true, "b"}};
}
std::vector<QuoteRow> wal_rows() {
  return {{"600519.SH", kDay0Open + 3000, 1'700'010, 300, std::nullopt, std::nullopt, std::nullopt,
           std::nullopt}};
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The MANIFEST framing around `payload`, with a checksum that matches it: only the decoder
// itself stands between these bytes and the store.
std::string framed(std::string_view payload) {
  std::string out(kManifestMagic);
  ByteWriter header(out);
  header.put_u32(kManifestVersion);
  header.put_u32(static_cast<uint32_t>(payload.size()));
  header.put_u32(crc32c(payload));
  out.append(payload);
  return out;
}

class ManifestCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A real store: two segments, and one row left in the WAL for replay.
    TsdbOptions options = fixture_.options();
    options.flush_on_close = false;
    std::unique_ptr<TsdbStore> store = fixture_.open(options);
    ASSERT_NE(store, nullptr);
    MYSTOCKS_ASSERT_OK(store->create_table(quote_schema()));
    MYSTOCKS_ASSERT_OK(store->write("quote", quote_batch(segment_rows())));
    MYSTOCKS_ASSERT_OK(store->flush());
    MYSTOCKS_ASSERT_OK(store->write("quote", quote_batch(wal_rows())));
    store.reset();
    original_ = read_bytes(manifest());
    ASSERT_GT(original_.size(), kHeaderBytes);
  }

  std::filesystem::path manifest() { return manifest_path(fixture_.options().dir); }

  // Opens the store over `bytes` as its MANIFEST; the store, if any, is closed again at once.
  Status open_with(std::string_view bytes) {
    write_bytes(manifest(), bytes);
    return TsdbStore::open(fixture_.options()).status();
  }

  void expect_data_loss(const Status& status, const std::string& what) {
    EXPECT_EQ(status.code(), ErrorCode::kDataLoss) << what << ": " << status.to_string();
    EXPECT_NE(status.message().find(manifest().string()), std::string::npos)
        << what << ": " << status.message();
  }

  // After failed opens, the original MANIFEST brings back every row: nothing was removed.
  void expect_store_intact() {
    write_bytes(manifest(), original_);
    std::unique_ptr<TsdbStore> store = fixture_.open();
    ASSERT_NE(store, nullptr);
    Result<RecordBatch> batch = store->scan("quote", {});
    ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
    std::vector<QuoteRow> expected = segment_rows();
    for (const QuoteRow& row : wal_rows()) expected.push_back(row);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(quote_rows(*batch), expected);
  }

  StoreFixture fixture_;
  std::string original_;
};

TEST_F(ManifestCorruptionTest, EmptyManifestIsDataLossNamingTheFile) {
  expect_data_loss(open_with(""), "empty");
  expect_store_intact();
}

TEST_F(ManifestCorruptionTest, ManifestCutShortAtEveryLengthIsDataLoss) {
  for (size_t length = 0; length < original_.size(); ++length) {
    expect_data_loss(open_with(std::string_view(original_).substr(0, length)),
                     "cut to " + std::to_string(length) + " bytes");
  }
  expect_store_intact();
}

TEST_F(ManifestCorruptionTest, ManifestWithAnyByteFlippedIsDataLoss) {
  for (size_t offset = 0; offset < original_.size(); ++offset) {
    for (uint8_t mask : kFlipMasks) {
      std::string bytes = original_;
      bytes[offset] = static_cast<char>(bytes[offset] ^ mask);
      expect_data_loss(open_with(bytes),
                       "byte " + std::to_string(offset) + " ^ " + std::to_string(mask));
    }
  }
  expect_store_intact();
}

TEST_F(ManifestCorruptionTest, TrailingBytesAreDataLoss) {
  expect_data_loss(open_with(original_ + "x"), "one byte appended");
  expect_store_intact();
}

// The checksum catches every flip above before the payload is parsed, so feed the decoder
// flipped payloads that carry a matching checksum: it returns a manifest or DATA_LOSS, and the
// store either opens on what it returned or fails with DATA_LOSS naming the file.
TEST_F(ManifestCorruptionTest, DecoderAndOpenSurviveAnyPayloadFlipWithAValidChecksum) {
  const std::string payload = original_.substr(kHeaderBytes);
  const std::filesystem::path pristine = fixture_.dir.path() / "pristine";
  std::filesystem::copy(fixture_.options().dir, pristine, std::filesystem::copy_options::recursive);
  for (size_t offset = 0; offset < payload.size(); ++offset) {
    for (uint8_t mask : kFlipMasks) {
      const std::string what =
          "payload byte " + std::to_string(offset) + " ^ " + std::to_string(mask);
      std::string flipped = payload;
      flipped[offset] = static_cast<char>(flipped[offset] ^ mask);
      Result<ManifestData> decoded = decode_manifest(framed(flipped), "M");
      if (!decoded.is_ok()) {
        EXPECT_EQ(decoded.status().code(), ErrorCode::kDataLoss) << what;
        EXPECT_NE(decoded.status().message().find("manifest M"), std::string::npos) << what;
      }
      if (mask != 0x01) continue;  // one open per offset is enough; each needs a fresh copy
      std::filesystem::remove_all(fixture_.options().dir);
      std::filesystem::copy(pristine, fixture_.options().dir,
                            std::filesystem::copy_options::recursive);
      // A manifest that decodes yet disagrees with the other files fails later, on the file
      // that disagrees (a WAL record for a column the flip renamed, ...).
      Status opened = open_with(framed(flipped));
      if (opened.is_ok()) continue;
      EXPECT_EQ(opened.code(), ErrorCode::kDataLoss) << what << ": " << opened.to_string();
      EXPECT_NE(opened.message().find(fixture_.options().dir.string()), std::string::npos)
          << what << ": " << opened.message();
    }
  }
}

TEST_F(ManifestCorruptionTest, HugeLengthsAndCountsAreDataLoss) {
  constexpr uint64_t kHuge = uint64_t{1} << 62;
  auto payload = [](auto&& fill) {
    std::string out;
    ByteWriter writer(out);
    writer.put_varint(1);  // next file number
    writer.put_varint(1);  // next generation
    writer.put_varint(0);  // WAL start
    fill(writer);
    return out;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"huge table count", framed(payload([&](ByteWriter& w) { w.put_varint(kHuge); }))},
      {"huge table name length", framed(payload([&](ByteWriter& w) {
         w.put_varint(1);
         w.put_varint(kHuge);
       }))},
      {"huge segment count", framed(payload([&](ByteWriter& w) {
         w.put_varint(0);
         w.put_varint(kHuge);
       }))},
      {"huge segment table length", framed(payload([&](ByteWriter& w) {
         w.put_varint(0);
         w.put_varint(1);
         w.put_varint(kHuge);
       }))},
      {"varint longer than 10 bytes", framed(std::string(16, '\xff'))},
  };
  for (const auto& [what, bytes] : cases) expect_data_loss(open_with(bytes), what);
  // A header that claims a 4 GiB payload.
  std::string header(kManifestMagic);
  ByteWriter writer(header);
  writer.put_u32(kManifestVersion);
  writer.put_u32(UINT32_MAX);
  writer.put_u32(0);
  expect_data_loss(open_with(header + original_.substr(kHeaderBytes)), "4 GiB payload length");
  expect_store_intact();
}

}  // namespace
}  // namespace mystocks::tsdb::test

// Fuzz target: the CSV importer (sources/csv): encoding detection and GBK conversion, the
// tokenizer, header profiles and aliases, the column-mapping setting, the field value parsers,
// and CsvReader end to end into a tables.yaml table (the first byte picks the table, the error
// policy and the delimiter). Fields of every record go through every value parser, so each
// parser sees the shapes the tokenizer produces.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sources/csv/csv_reader.h"
#include "sources/csv/csv_tokenizer.h"
#include "sources/csv/csv_values.h"
#include "sources/csv/header_aliases.h"
#include "sources/csv/text_encoding.h"
#include "storage/tables_yaml.h"

using namespace mystocks;
using namespace mystocks::sources;

namespace {

constexpr const char* kTables[] = {"daily_kline", "minute_kline", "tick", "symbols"};

const storage::TableCatalog& catalog() {
  static const storage::TableCatalog tables = [] {
    auto loaded = storage::load_tables_yaml(MYSTOCKS_SOURCE_DIR "/config/tables.yaml");
    if (!loaded.is_ok()) std::abort();  // the harness needs the shipped catalog
    return std::move(*loaded);
  }();
  return tables;
}

void parse_fields(const CsvRecord& record) {
  for (std::string_view field : record.fields) {
    (void)is_null_token(field);
    (void)parse_scaled(field, 2, 2, "f");
    (void)parse_scaled(field, 0, 0, "f");
    (void)parse_int32_field(field, "f");
    (void)parse_double_field(field, "f");
    (void)parse_date_field(field, "f");
    (void)parse_time_field(field, "f");
    (void)parse_bool_field(field, "f");
  }
}

void tokenize(std::string_view text, char delimiter) {
  CsvTokenizer tokenizer(text, delimiter);
  CsvRecord record;
  bool header = true;
  // Each record consumes at least one line, so the input length bounds the loop.
  for (size_t records = 0; records <= text.size() + 1; ++records) {
    auto more = tokenizer.next(record);
    if (!more.is_ok()) continue;  // resumes at the next line
    if (!*more) return;
    if (header) {
      const HeaderProfile profile = detect_profile(record.fields);
      for (std::string_view name : record.fields) (void)resolve_header(name, profile, {});
      header = false;
    }
    parse_fields(record);
  }
  std::abort();  // the tokenizer stopped making progress
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)parse_column_mappings(bytes, "sources.csv_columns");
  (void)parse_encoding(bytes);

  auto decoded = decode_to_utf8(bytes, TextEncoding::kAuto, "fuzz.csv");
  const char delimiter = (selector & 0x10) != 0 ? '\t' : ',';
  if (decoded.is_ok()) tokenize(decoded->text, delimiter);

  auto table = catalog().find(kTables[selector % std::size(kTables)]);
  if (!table.is_ok()) std::abort();
  CsvOptions options;
  options.on_error = (selector & 0x20) != 0 ? ErrorPolicy::kStop : ErrorPolicy::kSkip;
  options.delimiter = delimiter;
  auto reader = CsvReader::open_text(bytes, "sh600519_daily.csv", **table, options);
  if (!reader.is_ok()) return 0;
  // Chunks of a few rows so the chunking path runs too; each chunk reads at least one line, so
  // a reader still not done after more chunks than the input has bytes is stuck.
  for (size_t chunks = 0; !(*reader)->done(); ++chunks) {
    if (chunks > bytes.size() + 1) std::abort();
    if (!(*reader)->next(3).is_ok()) break;
  }
  return 0;
}

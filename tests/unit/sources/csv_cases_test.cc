// Data-driven CSV import cases: tests/data/csv/*.test (format in tests/data/csv/README.md).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sources/csv/csv_reader.h"
#include "unit/sources/sources_test_env.h"

namespace mystocks::sources::test {
namespace {

namespace fs = std::filesystem;

fs::path case_directory() { return mystocks::test::source_path("tests/data/csv"); }

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(case_directory(), ec)) {
    if (entry.path().extension() == ".test") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Case {
  std::string table;
  std::string input;
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> columns;
  std::vector<std::string> expected;  // lines after ----
};

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Case read_case(const std::string& name) {
  std::ifstream in(case_directory() / (name + ".test"));
  Case out;
  std::string line;
  bool body = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line == "----") {
      body = true;
      continue;
    }
    if (body) {
      out.expected.push_back(line);
      continue;
    }
    const size_t colon = line.find(": ");
    const std::string key = line.substr(0, colon);
    const std::string value = line.substr(colon + 2);
    if (key == "table") out.table = value;
    if (key == "input") out.input = value;
    if (key == "columns") out.columns = split(value, ' ');
    if (key == "options") {
      for (const std::string& option : split(value, ' ')) {
        const size_t equals = option.find('=');
        out.options.emplace_back(option.substr(0, equals), option.substr(equals + 1));
      }
    }
  }
  return out;
}

CsvOptions options_of(const Case& c) {
  CsvOptions options;
  options.now = *parse_timestamp("2024-01-01T00:00:00Z");
  for (const auto& [key, value] : c.options) {
    if (key == "encoding") options.encoding = *parse_encoding(value);
    if (key == "on_error") options.on_error = *parse_error_policy(value);
    if (key == "symbol") options.symbol = *Symbol::parse(value);
    if (key == "delimiter") options.delimiter = value[0];
    if (key == "frequency") options.frequency = *parse_interval(value);
    if (key == "bar_label") options.bar_label = value == "end" ? BarLabel::kEnd : BarLabel::kStart;
    if (key == "mapping") options.mappings = *parse_column_mappings(value, "mapping");
  }
  return options;
}

class CsvCasesTest : public ::testing::TestWithParam<std::string> {};

// The expected lines by kind; rows and issues keep their order, the rest is sorted.
struct Outcome {
  std::vector<std::string> rows;
  std::vector<std::string> issues;
  std::vector<std::string> other;  // encoding, ignored
  std::string error;
};

Outcome expected_outcome(const Case& c) {
  Outcome out;
  for (const std::string& line : c.expected) {
    if (line.starts_with("issue ")) {
      out.issues.push_back(line);
    } else if (line.starts_with("error ")) {
      out.error = line;
    } else if (line.starts_with("encoding ") || line.starts_with("ignored ")) {
      out.other.push_back(line);
    } else {
      out.rows.push_back(line);
    }
  }
  std::sort(out.other.begin(), out.other.end());
  return out;
}

TEST_P(CsvCasesTest, ImportsAsExpected) {
  const Case c = read_case(GetParam());
  ASSERT_FALSE(c.table.empty()) << "case without table:";
  const Outcome expected = expected_outcome(c);
  const std::string path = (case_directory() / c.input).string();
  Result<std::unique_ptr<CsvReader>> reader =
      CsvReader::open_file(path, table(c.table), options_of(c));
  Result<CsvChunk> chunk = reader.is_ok() ? (*reader)->next(0) : Result<CsvChunk>(reader.status());
  if (!expected.error.empty()) {
    ASSERT_FALSE(chunk.is_ok()) << "expected: " << expected.error;
    // "error CODE TEXT": the code, and TEXT inside the message (which starts with the path).
    const std::string wanted = expected.error.substr(6);
    const std::string code = wanted.substr(0, wanted.find(' '));
    EXPECT_EQ(error_name(chunk.status().code()), code) << chunk.status().to_string();
    EXPECT_NE(chunk.status().message().find(wanted.substr(wanted.find(' ') + 1)), std::string::npos)
        << chunk.status().message();
    return;
  }
  ASSERT_TRUE(chunk.is_ok()) << chunk.status().to_string();
  Outcome actual;
  const RecordBatch& batch = chunk->batch;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::string rendered;
    for (const std::string& name : c.columns) {
      const std::optional<size_t> index = batch.schema().index_of(name);
      ASSERT_TRUE(index.has_value()) << "no column " << name;
      rendered += (rendered.empty() ? "" : "|") + render(batch, *index, row);
    }
    actual.rows.push_back(rendered);
  }
  for (const CsvIssue& issue : chunk->issues) {
    actual.issues.push_back("issue " + std::to_string(issue.line) + ":" +
                            std::to_string(issue.column) +
                            (issue.header.empty() ? "" : " (" + issue.header + ")") + " " +
                            std::string(error_name(issue.status.code())));
  }
  EXPECT_EQ(chunk->rows_skipped, static_cast<int64_t>(chunk->issues.size()));
  for (const std::string& line : expected.other) {
    if (line.starts_with("encoding ")) {
      actual.other.push_back("encoding " + std::string(encoding_name((*reader)->encoding())));
    }
  }
  for (const std::string& header : (*reader)->ignored_headers())
    actual.other.push_back("ignored " + header);
  std::sort(actual.other.begin(), actual.other.end());
  EXPECT_EQ(actual.rows, expected.rows);
  EXPECT_EQ(actual.issues, expected.issues);
  EXPECT_EQ(actual.other, expected.other);
  EXPECT_TRUE(batch.schema() == *table(c.table).schema());
}

INSTANTIATE_TEST_SUITE_P(Files, CsvCasesTest, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(CsvCasesDirectoryTest, HasCases) { EXPECT_GE(case_names().size(), 10u); }

}  // namespace
}  // namespace mystocks::sources::test

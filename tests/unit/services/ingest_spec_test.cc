// parse_job_spec as a table: JSON bodies (the job API) and flag fields (the CLI) in, the parsed
// job or the field and message of the error out.
#include "services/ingest_spec.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace mystocks::services {
namespace {

struct Case {
  const char* body;
  const char* field;    // "" = parses
  const char* message;  // substring of the error, or of describe() when it parses
};

const Case kCases[] = {
    {R"({"dataset":"daily","symbols":["600519","sz000001"],"from":"2024-01-02","to":"20240131"})",
     "", "daily 000001.SZ,600519.SH 2024-01-02..2024-01-31 from the configured sources (continue)"},
    {R"({"dataset":"minute:5m","all":true,"from":"2024-01-02","to":"2024-01-02","source":"sim",
        "strategy":"rollback"})",
     "", "minute:5m all symbols 2024-01-02..2024-01-02 from sim (rollback)"},
    {R"({"dataset":"daily","symbols":"600519.SH, 600519","from":"2024-01-02","to":"2024-01-02"})",
     "", "daily 600519.SH 2024-01-02"},
    {R"({"dataset":"symbols"})", "", "symbols (all) from the configured sources"},
    {R"({"dataset":"calendar","from":"2024-01-01","to":"2024-12-31"})", "",
     "calendar (all exchanges) 2024-01-01..2024-12-31"},
    {R"({"dataset":"weekly","all":true,"from":"2024-01-02","to":"2024-01-02"})", "dataset",
     "data type 'weekly' is unknown"},
    {R"({"dataset":"minute:2m","all":true,"from":"2024-01-02","to":"2024-01-02"})", "dataset",
     "2m"},
    {R"({"dataset":"news","all":true,"from":"2024-01-02","to":"2024-01-02"})", "dataset",
     "no news table"},
    {R"({"all":true,"from":"2024-01-02","to":"2024-01-02"})", "dataset", "dataset is required"},
    {R"({"dataset":"daily","all":true,"from":"2024-02-30","to":"2024-03-01"})", "from",
     "2024-02-30"},
    {R"({"dataset":"daily","all":true,"from":"2024-01-02","to":"Jan 5"})", "to", "Jan 5"},
    {R"({"dataset":"daily","all":true,"from":"2024-03-01","to":"2024-01-02"})", "from",
     "from 2024-03-01 is after to 2024-01-02"},
    {R"({"dataset":"daily","all":true,"to":"2024-01-02"})", "from", "from is required"},
    {R"({"dataset":"daily","from":"2024-01-02","to":"2024-01-02"})", "symbols", "needs symbols"},
    {R"({"dataset":"daily","all":true,"symbols":["600519"],"from":"2024-01-02","to":"2024-01-02"})",
     "symbols", "either symbols or all"},
    {R"({"dataset":"daily","symbols":["600519","AAPL"],"from":"2024-01-02","to":"2024-01-02"})",
     "symbols[1]", "AAPL"},
    {R"({"dataset":"daily","symbols":[600519],"from":"2024-01-02","to":"2024-01-02"})",
     "symbols[0]", "must be a string"},
    {R"({"dataset":"daily","all":"yes","from":"2024-01-02","to":"2024-01-02"})", "all",
     "true or false"},
    {R"({"dataset":"daily","all":true,"from":"2024-01-02","to":"2024-01-02","source":"vendor"})",
     "source", "source 'vendor' is not configured: expected one of sim, csv"},
    {R"({"dataset":"daily","all":true,"from":"2024-01-02","to":"2024-01-02","strategy":"yolo"})",
     "strategy", "expected rollback, continue or retry"},
    {R"({"dataset":"daily","all":true,"from":"2024-01-02","to":"2024-01-02","chunk_days":-1})",
     "chunk_days", "out of range"},
    {R"({"dataset":"daily","all":true,"from":"2024-01-02","to":"2024-01-02","priority":1})",
     "priority", "unknown member 'priority'"},
    {R"(["daily"])", "body", "JSON object"},
};

TEST(IngestSpec, JsonBodiesTable) {
  const JobSpecRules rules{.known_sources = {"sim", "csv"}};
  for (const Case& test_case : kCases) {
    Result<IngestJobSpec> spec = parse_job_spec(boost::json::parse(test_case.body), rules);
    if (std::string_view(test_case.field).empty()) {
      ASSERT_TRUE(spec.is_ok()) << test_case.body << "\n" << spec.status().to_string();
      EXPECT_NE(spec->describe().find(test_case.message), std::string::npos)
          << test_case.body << "\n"
          << spec->describe();
      continue;
    }
    ASSERT_FALSE(spec.is_ok()) << test_case.body;
    EXPECT_EQ(spec.status().field(), test_case.field) << test_case.body;
    EXPECT_NE(spec.status().message().find(test_case.message), std::string::npos)
        << test_case.body << "\n"
        << spec.status().message();
  }
}

TEST(IngestSpec, FlagFieldsMatchTheJsonForm) {
  JobSpecFields fields{.source = "sim",
                       .dataset = "tick",
                       .symbols = "600519,430047",
                       .from = "2024-05-06",
                       .to = "2024-05-07",
                       .strategy = "retry",
                       .chunk_symbols = 10};
  Result<IngestJobSpec> spec = parse_job_spec(fields);
  ASSERT_TRUE(spec.is_ok()) << spec.status().to_string();
  EXPECT_EQ(spec->dataset.type, sources::DataType::kTick);
  ASSERT_EQ(spec->symbols.size(), 2u);
  EXPECT_EQ(spec->symbols[0].to_string(), "430047.BJ");
  EXPECT_EQ(spec->strategy, SaveStrategy::kRetry);
  EXPECT_EQ(spec->chunk_symbols, 10);

  fields.symbols = "600519,,";
  Result<IngestJobSpec> empty_symbol = parse_job_spec(fields);
  ASSERT_FALSE(empty_symbol.is_ok());
  EXPECT_EQ(empty_symbol.status().field(), "symbols[1]");
}

}  // namespace
}  // namespace mystocks::services

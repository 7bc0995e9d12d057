// Reader of the data-driven indicator cases in tests/golden/indicators/*.test (format in that
// folder's README.md): each case names an indicator, a convention, parameters, inputs (inline or
// a CSV file) and the expected output columns.
// Thread-safety: plain functions over values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "indicators/convention.h"
#include "indicators/registry.h"

namespace mystocks::indicators::testing {

struct GoldenCase {
  std::string location;  // "file.test:12", for failure messages
  std::string name;
  std::string indicator;
  std::vector<Convention> conventions;  // "any" lists both: results must not differ
  ParamMap params;
  std::map<std::string, std::vector<double>> inputs;  // column name -> values
  double tolerance = 1e-9;                            // relative to max(1, |expected|)
  std::vector<std::pair<std::string, std::vector<double>>> expected;
};

// Directory of the golden files: $MYSTOCKS_SOURCE_DIR/tests/golden/indicators.
std::string golden_dir();

// Parses one file; a malformed file is a test bug, reported through `error`.
std::vector<GoldenCase> read_golden_file(const std::string& path, std::string* error);

// Views a case's inputs as columns (empty for absent columns).
OhlcvColumns columns_of(const GoldenCase& golden);

}  // namespace mystocks::indicators::testing

// Inputs the fuzzers found crashing, hanging or leaking (tests/golden/fuzz/<target>/, one file
// per finding, docs/fuzzing.md): the unit suites replay them so gcc builds catch a regression
// without clang or libFuzzer. Header-only; reads files at test time.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "support/source_dir.h"

namespace mystocks::test {

// (file name, bytes) of every finding of `target`, sorted by name.
inline std::vector<std::pair<std::string, std::string>> fuzz_findings(const std::string& target) {
  std::vector<std::pair<std::string, std::string>> findings;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_path("tests/golden/fuzz/" + target), ec)) {
    std::ifstream in(entry.path(), std::ios::binary);
    findings.emplace_back(entry.path().filename().string(),
                          std::string(std::istreambuf_iterator<char>(in), {}));
  }
  std::sort(findings.begin(), findings.end());
  return findings;
}

}  // namespace mystocks::test

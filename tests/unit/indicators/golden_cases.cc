#include "golden_cases.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mystocks::indicators::testing {

namespace {

bool parse_number(const std::string& token, double* value) {
  if (token == "nan") {
    *value = kNaN;
    return true;
  }
  char* end = nullptr;
  *value = std::strtod(token.c_str(), &end);
  return end != token.c_str() && *end == '\0';
}

bool is_input_column(const std::string& name) {
  return name == "open" || name == "high" || name == "low" || name == "close" || name == "volume" ||
         name == "amount";
}

// Loads a CSV with a header row naming the columns.
bool read_csv(const std::string& path, std::map<std::string, std::vector<double>>* columns,
              std::string* error) {
  std::ifstream file(path);
  if (!file) {
    *error = "cannot open " + path;
    return false;
  }
  std::string line;
  std::getline(file, line);
  std::vector<std::string> names;
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) names.push_back(name);
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    std::stringstream row(line);
    size_t column_idx = 0;
    for (std::string cell; std::getline(row, cell, ',') && column_idx < names.size();
         ++column_idx) {
      double value = 0;
      if (!parse_number(cell, &value)) {
        *error = path + ": bad number '" + cell + "'";
        return false;
      }
      (*columns)[names[column_idx]].push_back(value);
    }
  }
  return true;
}

}  // namespace

std::string golden_dir() {
  const char* root = std::getenv("MYSTOCKS_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/tests/golden/indicators";
}

std::vector<GoldenCase> read_golden_file(const std::string& path, std::string* error) {
  std::vector<GoldenCase> cases;
  std::ifstream file(path);
  if (!file) {
    *error = "cannot open " + path;
    return cases;
  }
  const std::string base = path.substr(path.find_last_of('/') + 1);
  const std::string dir = path.substr(0, path.find_last_of('/'));
  GoldenCase current;
  bool in_case = false;
  bool in_expected = false;
  auto finish = [&] {
    if (in_case) cases.push_back(std::move(current));
    current = GoldenCase{};
    in_case = in_expected = false;
  };
  std::string line;
  for (int line_no = 1; std::getline(file, line); ++line_no) {
    if (!line.empty() && line[0] == '#') continue;
    std::stringstream tokens(line);
    std::string keyword;
    if (!(tokens >> keyword)) {
      finish();
      continue;
    }
    auto fail = [&](const std::string& what) {
      *error = base + ":" + std::to_string(line_no) + ": " + what;
      return std::vector<GoldenCase>{};
    };
    if (keyword == "case") {
      finish();
      in_case = true;
      current.location = base + ":" + std::to_string(line_no);
      tokens >> current.name;
      continue;
    }
    if (!in_case) return fail("expected 'case NAME'");
    if (keyword == "----") {
      in_expected = true;
      continue;
    }
    if (in_expected || !is_input_column(keyword)) {
      if (keyword == "indicator" && !in_expected) {
        tokens >> current.indicator;
      } else if (keyword == "convention" && !in_expected) {
        std::string name;
        tokens >> name;
        if (name == "any") {
          current.conventions = {Convention::kTaLib, Convention::kChinaBroker};
        } else {
          auto convention = parse_convention(name);
          if (!convention) return fail(convention.status().message());
          current.conventions = {*convention};
        }
      } else if (keyword == "params" && !in_expected) {
        for (std::string pair; tokens >> pair;) {
          const size_t eq = pair.find('=');
          double value = 0;
          if (eq == std::string::npos || !parse_number(pair.substr(eq + 1), &value)) {
            return fail("bad parameter '" + pair + "'");
          }
          current.params[pair.substr(0, eq)] = value;
        }
      } else if (keyword == "tolerance" && !in_expected) {
        tokens >> current.tolerance;
      } else if (keyword == "input" && !in_expected) {
        std::string name;
        tokens >> name;
        if (!read_csv(dir + "/" + name, &current.inputs, error)) return {};
      } else if (in_expected) {
        std::vector<double> values;
        for (std::string token; tokens >> token;) {
          double value = 0;
          if (!parse_number(token, &value)) return fail("bad number '" + token + "'");
          values.push_back(value);
        }
        current.expected.emplace_back(keyword, std::move(values));
      } else {
        return fail("unknown keyword '" + keyword + "'");
      }
      continue;
    }
    std::vector<double> values;
    for (std::string token; tokens >> token;) {
      double value = 0;
      if (!parse_number(token, &value)) return fail("bad number '" + token + "'");
      values.push_back(value);
    }
    current.inputs[keyword] = std::move(values);
  }
  finish();
  return cases;
}

OhlcvColumns columns_of(const GoldenCase& golden) {
  auto view = [&](const char* name) -> std::span<const double> {
    auto found = golden.inputs.find(name);
    return found == golden.inputs.end() ? std::span<const double>() : found->second;
  };
  return {view("open"), view("high"), view("low"), view("close"), view("volume"), view("amount")};
}

}  // namespace mystocks::indicators::testing

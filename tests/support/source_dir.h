// Locates files of the source tree from tests: ctest sets MYSTOCKS_SOURCE_DIR.
#pragma once

#include <cstdlib>
#include <string>

namespace mystocks::test {

inline std::string source_path(const std::string& relative) {
  const char* root = std::getenv("MYSTOCKS_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/" + relative;
}

}  // namespace mystocks::test

// Fuzz target: tables.yaml loading from text (storage/tables_yaml.h). Any text must give a
// catalog or an error naming the problem; no YAML shape may throw out of the loader.
#include <cstdint>
#include <string>

#include "storage/tables_yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)mystocks::storage::parse_tables_yaml(text, "fuzz/tables.yaml");
  return 0;
}

// Fuzz target: mystocks.yaml loading from text (core/config.h parse_config, then the checks the
// server runs on a parsed file) and the .env parser. No input may throw out of the loader.
#include <cstdint>
#include <string>

#include "core/config.h"

using namespace mystocks;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto config = parse_config(text, "fuzz/mystocks.yaml");
  if (config.is_ok()) (void)validate_config(*config);
  (void)parse_dotenv(text, "fuzz/.env");
  return 0;
}

// `mystocks data inventory`: the series inventory (services/series_inventory.h) of a data
// directory, as an aligned table or CSV, with how long the answer took. Opens the stores like
// `mystocks ingest` (so not beside a running server on the same directory).
// Called once from main on the main thread.
#pragma once

#include <string>
#include <vector>

namespace mystocks::cli {

// args: the words after "data inventory". Exit code: 0 ok, 1 failure, 2 usage error.
int run_data_inventory(const std::vector<std::string>& args);

}  // namespace mystocks::cli

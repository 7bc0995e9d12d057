// `mystocks data delete`: range delete of a table's rows for symbols and a date range (or the
// whole table with --all) through DataManager::delete_range, on the stores the configuration
// names. Run it while the server is stopped (the tsdb directory is locked by its owner).
// Called once from main on the main thread.
#pragma once

#include <string>
#include <vector>

namespace mystocks::cli {

// Exit status: 0 done, 1 the stores or the delete failed, 2 usage error.
int run_data_delete(const std::vector<std::string>& args);

}  // namespace mystocks::cli

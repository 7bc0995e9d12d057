// `mystocks admin tsdb-check`, `tsdb-stats` and `tsdb-repair`: offline tools for the embedded
// time-series store. tsdb-check verifies every checksum (MANIFEST, segments, WAL); tsdb-stats
// prints rows, series, sizes and compression ratios per table (and per column with --columns);
// tsdb-repair salvages a damaged WAL (docs/reliability.md). check and stats only read; repair
// takes the store's LOCK, so it refuses while a server holds the store. They run on the main
// thread and return a process exit code.
#pragma once

#include <string_view>
#include <vector>

namespace mystocks::cli {

// `args` are the words after "admin" ("tsdb-check", "--dir", "..."). Exit codes: 0 fine,
// 1 corruption found or the store could not be read, 2 usage error.
int run_admin_tsdb(const std::vector<std::string_view>& args);

}  // namespace mystocks::cli

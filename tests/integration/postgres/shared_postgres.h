// One private PostgreSQL 15 per test binary: started before the first test by a GoogleTest
// environment and stopped after the last, so the suites pay for initdb once. Each test creates
// its own database in it. Test-only.
#pragma once

#include <string>

#include "core/metrics.h"
#include "core/status.h"
#include "support/postgres_server.h"

namespace mystocks::storage::test {

// The running server; fails the calling test when it did not start.
mystocks::test::PostgresServer& shared_postgres();
// The status of the environment's start(), for tests to assert on first.
const Status& shared_postgres_status();
// CREATE DATABASE "<prefix>_<n>" and its connection string.
Result<std::string> fresh_postgres_database(const std::string& prefix);
// The value of the exposed metric line starting with `line_prefix` (name and labels, as in
// `mystocks_pg_reads_total{server="primary"}`); -1 when there is no such line.
double metric(const MetricsRegistry& registry, const std::string& line_prefix);

}  // namespace mystocks::storage::test

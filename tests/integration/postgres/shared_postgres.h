// One private PostgreSQL 15 per test binary: started before the first test by a GoogleTest
// environment and stopped after the last, so the suites pay for initdb once. Each test creates
// its own database in it. Test-only.
#pragma once

#include <string>

#include "core/status.h"
#include "support/postgres_server.h"

namespace mystocks::storage::test {

// The running server; fails the calling test when it did not start.
mystocks::test::PostgresServer& shared_postgres();
// The status of the environment's start(), for tests to assert on first.
const Status& shared_postgres_status();
// CREATE DATABASE "<prefix>_<n>" and its connection string.
Result<std::string> fresh_postgres_database(const std::string& prefix);

}  // namespace mystocks::storage::test

// `mystocks admin user add|passwd|role|disable|enable|list` and `mystocks admin encrypt-secret`.
// User commands open only the relational store and the identity tables, so they work while the
// server runs (SQLite in WAL mode and PostgreSQL both allow it). Passwords are read from stdin
// (--password-stdin) or asked for without echo; never taken from the command line, where `ps`
// would show them. Runs on the main thread; returns the process exit code.
#pragma once

#include <string_view>
#include <vector>

namespace mystocks::cli {

int run_admin_user(const std::vector<std::string_view>& args);
int run_encrypt_secret(const std::vector<std::string_view>& args);

}  // namespace mystocks::cli

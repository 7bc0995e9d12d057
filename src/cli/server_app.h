// Assembles and runs the server process: logging, metrics, health checks, the route registry,
// the gateway router and the HTTP server, from a loaded Config. Used by `mystocks serve` and
// `mystocks demo`. Runs on the main thread and returns the process exit code.
#pragma once

#include <string_view>

#include "core/config.h"

namespace mystocks::cli {

// The password of the demo's accounts (demo, admin): the demo is a first look on loopback with
// its own data directory; `serve` creates no accounts (see `mystocks admin user add`).
inline constexpr std::string_view kDemoPassword = "mystocks-demo";

struct ServeOptions {
  bool demo = false;  // print the demo banner with the URLs to try
};

int run_server(const Config& config, const ServeOptions& options);

}  // namespace mystocks::cli

// Assembles and runs the server process: logging, metrics, health checks, the route registry,
// the gateway router and the HTTP server, from a loaded Config. Used by `mystocks serve` and
// `mystocks demo`. Runs on the main thread and returns the process exit code.
#pragma once

#include "core/config.h"

namespace mystocks::cli {

struct ServeOptions {
  bool demo = false;  // print the demo banner with the URLs to try
};

int run_server(const Config& config, const ServeOptions& options);

}  // namespace mystocks::cli

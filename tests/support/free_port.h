// pick_free_port: a loopback TCP port nobody is listening on at the time of the call, for a test
// server to bind. The port is released before returning, so another process could take it in
// the meantime; servers that fail to bind therefore retry with a fresh port (see the callers).
// Thread-safety: safe from any thread.
#pragma once

#include "core/status.h"

namespace mystocks::test {

// Binds 127.0.0.1:0, reads the port the kernel chose and closes the socket.
Result<int> pick_free_port();

}  // namespace mystocks::test

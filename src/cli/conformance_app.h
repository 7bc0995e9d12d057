// `mystocks socketio-conformance`: a server that behaves like the reference servers of the
// official Engine.IO and Socket.IO protocol test suites (ping interval 300 ms, ping timeout
// 200 ms, max payload 1,000,000): a plain Engine.IO echo server under /engine.io/ and a
// Socket.IO server under /socket.io/ with a /custom namespace that echoes the CONNECT auth
// payload as an "auth" event, "message" as "message-back" and acks "message-with-ack" with its
// arguments, binary attachments included. Runs on the main thread; returns the exit code.
#pragma once

#include <string>

namespace mystocks::cli {

int run_socketio_conformance(const std::string& listen);

}  // namespace mystocks::cli

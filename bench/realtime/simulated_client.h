// One simulated Socket.IO client of the load generator, speaking Engine.IO v4 / Socket.IO v5 over
// a Beast WebSocket itself: open packet, CONNECT to the namespace, `subscribe` to the room, then
// room events until the process ends, answering every Engine.IO ping ("2") with a pong ("3").
// Each delivered event's latency (receive wall clock minus the `sent_us` the publisher put in
// its data) goes to the ThreadStats of the I/O thread the client runs on.
// Thread-safety: a client lives on one io_context run by one thread (thread_index); its
// coroutine touches only that thread's ThreadStats and the atomics of LoadState.
#pragma once

#include <cstddef>

namespace boost::asio {
class io_context;
}

namespace mystocks::bench {

struct LoadState;

// Starts client `client_index` on `context`, which thread `thread_index` runs. The caller has
// incremented state.in_flight; the client decrements it once subscribed or failed. `state`
// must outlive the io_context's run.
void spawn_client(boost::asio::io_context& context, LoadState& state, size_t thread_index,
                  size_t client_index);

}  // namespace mystocks::bench

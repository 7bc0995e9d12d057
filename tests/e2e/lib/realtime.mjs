// Helpers for realtime end-to-end tests: socket.io-client connections, waiting for events with a
// deadline, publishing market updates through the REST publish route (as an operator), reading
// server metrics.
import { io } from 'socket.io-client';
import { login, startServer } from './server.mjs';

export function connect(base, { nsp = '/market', ...options } = {}) {
  return io(base + nsp, { forceNew: true, reconnection: false, ...options });
}

export function once(emitter, event, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args) => { clearTimeout(timer); resolve(args); });
  });
}

export async function connected(socket, timeoutMs = 5000) {
  if (socket.connected) return socket;
  await once(socket, 'connect', timeoutMs);
  return socket;
}

// Collects every `event` the socket receives; `waitFor(n)` resolves once n have arrived.
export function collector(socket, event) {
  const items = [];
  const waiters = [];
  socket.on(event, (...args) => {
    items.push(args);
    for (const waiter of [...waiters]) {
      if (items.length >= waiter.count) { waiters.splice(waiters.indexOf(waiter), 1); waiter.resolve(items); }
    }
  });
  return {
    items,
    waitFor(count, timeoutMs = 5000) {
      if (items.length >= count) return Promise.resolve(items);
      return new Promise((resolve, reject) => {
        const waiter = { count, resolve };
        waiters.push(waiter);
        setTimeout(() => reject(new Error(`only ${items.length}/${count} '${event}' within ${timeoutMs} ms`)), timeoutMs);
      });
    },
  };
}

// POST /api/v1/realtime/publish needs the operator role: `server` is a startRealtimeServer()
// result, which carries its operator's session in `publisher`.
export async function publish(server, kind, symbol, data, timestamp) {
  const response = await fetch(`${server.base}/api/v1/realtime/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...server.publisher.headers },
    body: JSON.stringify({ kind, symbol, data, ...(timestamp ? { timestamp } : {}) }),
  });
  if (response.status !== 200) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function metric(base, pattern) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(pattern));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

export async function until(predicate, timeoutMs = 5000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms`);
}

// Realtime tests publish hundreds of updates per second through REST: no rate limit for them.
// The server has an `operator` account (plus `users`, name -> role, password testPassword) and
// `publisher` is that operator's login ({token, refresh, headers}), which publish() uses.
export async function startRealtimeServer(env = {}, { users = {} } = {}) {
  const server = await startServer({
    env: { MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false', ...env },
    users: { operator: 'operator', ...users },
  });
  try {
    server.publisher = await login(server.base, 'operator');
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

// The reference peer of the realtime fan-out benchmark: Node's socket.io@4 server with the same
// protocol surface the load generator uses against `mystocks serve`, so both servers do the same
// work per message:
//   - namespace /market; `subscribe` {room} joins the room and answers `subscribed` {room}
//     (also as the ack when the client asks for one);
//   - POST /api/v1/realtime/publish {kind, symbol, data, timestamp?} broadcasts the event `kind`
//     with [{symbol, data, timestamp}] to the room `kind:symbol`; connection state recovery is on,
//     so socket.io appends the recovery offset to every broadcast, as MyStocks does;
//   - GET /health for readiness.
// Prints `MYSTOCKS_LISTENING http://host:port` once ready, like the MyStocks binary.
// usage: node bench/realtime/node_reference_server.mjs [--listen 127.0.0.1:0]
// Single-threaded (Node's event loop): no shared state beyond the socket.io server.
import http from 'node:http';
import { Server } from 'socket.io';

const kKinds = new Set(['tick', 'quote', 'kline_1m', 'depth', 'index']);
// The same body limit as MyStocks' server.body_limit_bytes default.
const kBodyLimitBytes = 1024 * 1024;

function parse_listen(argv) {
  const index = argv.indexOf('--listen');
  const value = index >= 0 ? argv[index + 1] : '127.0.0.1:0';
  const colon = value.lastIndexOf(':');
  return { host: value.slice(0, colon), port: Number(value.slice(colon + 1)) };
}

function reply_json(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function fail(response, status, field, message) {
  reply_json(response, status, { success: false, code: 400, message, errors: [{ field, message }] });
}

const http_server = http.createServer();
// The socket.io defaults match MyStocks' realtime defaults (ping 25 s / timeout 20 s, 1 MB
// payload); recovery keeps packets for the same 2 minutes.
const io = new Server(http_server, {
  serveClient: false,
  pingInterval: 25000,
  pingTimeout: 20000,
  maxHttpBufferSize: 1e6,
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true },
});
const market = io.of('/market');

market.on('connection', (socket) => {
  socket.on('subscribe', (body, ack) => {
    const room = body && typeof body.room === 'string' ? body.room : '';
    const kind = room.slice(0, room.indexOf(':'));
    if (!kKinds.has(kind) || room.length <= kind.length + 1) {
      const error = { error_code: 'ROOM_NOT_FOUND', message: `room '${room}' is not kind:symbol` };
      if (typeof ack === 'function') ack(error);
      socket.emit('error', error);
      return;
    }
    socket.join(room);
    if (typeof ack === 'function') ack({ room });
    socket.emit('subscribed', { room });
  });
});

function publish(request, response) {
  const chunks = [];
  let size = 0;
  request.on('data', (chunk) => {
    size += chunk.length;
    if (size > kBodyLimitBytes) {
      fail(response, 413, 'body', `body exceeds ${kBodyLimitBytes} bytes`);
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return fail(response, 400, 'body', 'body must be a JSON object {kind, symbol, data}');
    }
    if (!body || typeof body !== 'object') {
      return fail(response, 400, 'body', 'body must be an object');
    }
    if (!kKinds.has(body.kind)) return fail(response, 400, 'kind', `kind '${body.kind}' is unknown`);
    if (typeof body.symbol !== 'string' || !body.symbol) {
      return fail(response, 400, 'symbol', 'symbol is required');
    }
    if (!body.data || typeof body.data !== 'object') {
      return fail(response, 400, 'data', 'data is required (object)');
    }
    const timestamp = Number.isInteger(body.timestamp) ? body.timestamp : Date.now();
    const room = `${body.kind}:${body.symbol}`;
    // Encoded once by socket.io and written to every member, like MyStocks' broadcast.
    market.to(room).emit(body.kind, { symbol: body.symbol, data: body.data, timestamp });
    reply_json(response, 200, { success: true, code: 0, message: 'success', data: { room } });
  });
}

http_server.on('request', (request, response) => {
  // socket.io answers its own /socket.io/ requests; everything else is ours.
  if (request.url.startsWith('/socket.io/')) return;
  if (request.method === 'POST' && request.url === '/api/v1/realtime/publish') {
    return publish(request, response);
  }
  if (request.method === 'GET' && request.url === '/health') {
    return reply_json(response, 200, { status: 'ok' });
  }
  const message = `no route ${request.method} ${request.url}`;
  reply_json(response, 404, { success: false, code: 404, message });
});

const { host, port } = parse_listen(process.argv);
http_server.listen({ host, port, backlog: 4096 }, () => {
  const address = http_server.address();
  console.log(`MYSTOCKS_LISTENING http://${address.address}:${address.port}`);
});

const shutdown = () => {
  io.close();
  http_server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

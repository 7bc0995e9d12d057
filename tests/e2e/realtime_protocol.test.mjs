// End-to-end: the realtime server speaks Engine.IO v4 / Socket.IO v5 to the stock
// socket.io-client: transports and upgrade, acks both ways, binary, recovery, heartbeats,
// and malformed or oversized input closing only the offending connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { collector, connect, connected, metric, once, publish, startRealtimeServer, until } from './lib/realtime.mjs';
import { login } from './lib/server.mjs';

let server;
before(async () => {
  server = await startRealtimeServer({
      MYSTOCKS_REALTIME_PING_INTERVAL_MS: '300',
      MYSTOCKS_REALTIME_PING_TIMEOUT_MS: '300',
      MYSTOCKS_REALTIME_MAX_PAYLOAD_BYTES: '4096',
    }, { users: { trader: 'trader' } });
});
after(async () => { assert.equal((await server.stop()).code, 0); });

function rawEngine(query = 'EIO=4&transport=websocket') {
  const ws = new WebSocket(`ws://${server.host}:${server.port}/socket.io/?${query}`);
  const frames = [];
  ws.on('message', (data, binary) => frames.push(binary ? data : data.toString()));
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  return { ws, frames, closed, opened };
}

test('polling connects first, then upgrades to WebSocket', async () => {
  const socket = connect(server.base, { transports: ['polling', 'websocket'] });
  const upgraded = once(socket.io.engine, 'upgrade');
  await connected(socket);
  const [transport] = await upgraded;
  assert.equal(transport.name, 'websocket');
  const reply = await socket.timeout(2000).emitWithAck('ping');  // resolves with the first ack argument
  assert.equal(typeof reply.timestamp, 'number');
  socket.disconnect();
});

test('polling-only and WebSocket-only clients both receive room events', async () => {
  for (const transports of [['polling'], ['websocket']]) {
    const socket = await connected(connect(server.base, { transports }));
    assert.equal(socket.io.engine.transport.name, transports[0]);
    await socket.timeout(2000).emitWithAck('subscribe', { room: 'quote:600036.SH' });
    const quotes = collector(socket, 'quote');
    await publish(server, 'quote', '600036', { last: 35.12 });
    const [[message, offset]] = await quotes.waitFor(1);
    assert.deepEqual(message.data, { last: 35.12 });
    assert.equal(message.symbol, '600036.SH');
    assert.match(offset, /^\d+$/, 'recovery offset appended');
    socket.disconnect();
  }
});

test('client acks get replies; server acks time out when the client does not answer', async () => {
  const socket = await connected(connect(server.base, { transports: ['websocket'] }));
  const subscribed = await socket.timeout(2000).emitWithAck('subscribe', { room: 'tick:000001' });
  assert.equal(subscribed.room, 'tick:000001.SZ');
  assert.equal(subscribed.snapshot.seq, 0);

  socket.on('probe', (payload, callback) => callback({ seen: payload.sent_at }));
  socket.emit('request', { request_id: 'r1', action: 'probe', payload: { timeout_ms: 1000 } });
  const [answered] = await once(socket, 'response');
  assert.equal(answered.request_id, 'r1');
  assert.equal(answered.data.acked, true);

  socket.off('probe');
  socket.on('probe', () => {});  // receives, never acknowledges
  socket.emit('request', { request_id: 'r2', action: 'probe', payload: { timeout_ms: 200 } });
  const [timedOut] = await once(socket, 'response');
  assert.equal(timedOut.request_id, 'r2');
  assert.equal(timedOut.data.acked, false);
  assert.ok(timedOut.data.latency_ms >= 200);
  socket.disconnect();
});

test('binary arguments round-trip as events and acks', async () => {
  for (const transports of [['polling'], ['websocket']]) {
    const socket = await connected(connect(server.base, { transports }));
    const payload = Buffer.from([0, 1, 2, 250, 255]);
    const echoed = once(socket, 'echo');
    const ack = await new Promise((resolve, reject) => socket.timeout(2000).emit(
      'echo', 'bytes', payload, { nested: Buffer.from('hi') },
      (err, ...args) => (err ? reject(err) : resolve(args))));
    assert.equal(ack[0], 'bytes');
    assert.deepEqual(Buffer.from(ack[1]), payload);
    const [name, bytes, nested] = await echoed;
    assert.equal(name, 'bytes');
    assert.deepEqual(Buffer.from(bytes), payload);
    assert.equal(Buffer.from(nested.nested).toString(), 'hi');
    socket.disconnect();
  }
});

test('a forced transport close recovers the session and the missed packets', async () => {
  const socket = connect(server.base, {
    transports: ['websocket'], reconnection: true, reconnectionDelay: 700, reconnectionDelayMax: 700,
  });
  await connected(socket);
  const firstId = socket.id;
  await socket.timeout(2000).emitWithAck('subscribe', { room: 'quote:601318.SH' });
  const quotes = collector(socket, 'quote');
  await publish(server, 'quote', '601318.SH', { last: 1 });
  await quotes.waitFor(1);

  const disconnected = once(socket, 'disconnect');
  socket.io.engine.close();
  await disconnected;
  await publish(server, 'quote', '601318.SH', { last: 2 });
  await publish(server, 'kline_1m', '601318.SH', { close: 2 });  // a room it is not in
  await publish(server, 'quote', '601319.SH', { last: 9 });       // another symbol
  await once(socket, 'connect', 5000);
  assert.equal(socket.recovered, true, 'socket.recovered after reconnect');
  assert.equal(socket.id, firstId, 'same socket id');
  const all = await quotes.waitFor(2);
  assert.deepEqual(all[1][0].data, { last: 2 });
  await publish(server, 'quote', '601318.SH', { last: 3 });  // rooms were restored
  const after = await quotes.waitFor(3);
  assert.deepEqual(after[2][0].data, { last: 3 });
  assert.ok(await metric(server.base, 'mystocks_realtime_recovered_total') >= 1);
  socket.disconnect();
});

test('a client that stops answering pings is dropped and cleaned up', async () => {
  const raw = rawEngine();
  await raw.opened;
  await until(() => raw.frames.length > 0, 2000, 'open packet');
  const open = JSON.parse(raw.frames[0].slice(1));
  assert.equal(open.pingInterval, 300);
  assert.deepEqual(open.upgrades, []);
  const { code } = await raw.closed;  // never answers "2" with "3"
  assert.ok(raw.frames.includes('2'), 'server pinged');
  assert.equal(code, 1000);
  await until(async () => (await metric(server.base, 'mystocks_realtime_disconnects_total{reason="ping timeout"}')) >= 1,
    3000, 'ping timeout counted');
});

test('malformed packets close only the offending connection', async () => {
  for (const garbage of ['9nonsense', '42["unterminated', '4', '0{"open":true}']) {
    const raw = rawEngine();
    await raw.opened;
    raw.ws.send(garbage);
    await raw.closed;
  }
  const response = await fetch(`${server.base}/health`);
  assert.equal(response.status, 200, 'server still healthy');
  const socket = await connected(connect(server.base, { transports: ['websocket'] }));
  socket.disconnect();
});

test('WebSocket framing: pings, fragmented messages, invalid UTF-8 and the close handshake', async () => {
  const raw = rawEngine();
  await raw.opened;
  await until(() => raw.frames.length > 0, 2000, 'open packet');
  // A WebSocket-level ping is answered with a pong carrying the same data.
  const pong = new Promise((resolve) => raw.ws.once('pong', (data) => resolve(data.toString())));
  raw.ws.ping('are you there');
  assert.equal(await pong, 'are you there');
  // A Socket.IO CONNECT split over three frames arrives as one message.
  raw.ws.send('40/mar', { fin: false });
  raw.ws.send('ket,', { fin: false });
  raw.ws.send('', { fin: true });
  await until(() => raw.frames.some((frame) => frame.startsWith('40/market,{"sid"')), 2000, 'CONNECT reply');
  // The client closes: the server answers with its own close frame (1000) and the session ends.
  raw.ws.close(1000, 'done');
  const { code } = await raw.closed;
  assert.equal(code, 1000);

  // A text frame that is not UTF-8 is a protocol violation: 1007.
  const bad = rawEngine();
  await bad.opened;
  bad.ws._socket.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0x34, 0xff]));  // masked "4\xff"
  assert.equal((await bad.closed).code, 1007);
  const socket = await connected(connect(server.base, { transports: ['websocket'] }));
  socket.disconnect();
});

test('oversized messages are refused on both transports', async () => {
  const raw = rawEngine();
  await raw.opened;
  raw.ws.send('4' + 'x'.repeat(8192));
  const { code } = await raw.closed;
  assert.equal(code, 1009, 'WebSocket closed as message too big');

  const handshake = await (await fetch(`${server.base}/socket.io/?EIO=4&transport=polling`)).text();
  const { sid } = JSON.parse(handshake.slice(1));
  const post = await fetch(`${server.base}/socket.io/?EIO=4&transport=polling&sid=${sid}`,
    { method: 'POST', body: '4' + 'x'.repeat(8192) });
  assert.equal(post.status, 413);
  const gone = await fetch(`${server.base}/socket.io/?EIO=4&transport=polling&sid=${sid}`);
  assert.equal(gone.status, 400, 'session closed');
  assert.deepEqual(await gone.json(), { code: 1, message: 'Session ID unknown' });
});

test('system status reports realtime connections, rooms and queues', async () => {
  // A depth room needs a trader; the system status route an operator.
  const { token } = await login(server.base, 'trader');
  const socket = await connected(connect(server.base, { transports: ['websocket'], auth: { token } }));
  const joined = await socket.timeout(2000).emitWithAck('subscribe', { room: 'depth:688981' });
  assert.equal(joined.room, 'depth:688981.SH', JSON.stringify(joined));
  const body = await (await fetch(`${server.base}/api/v1/system/status`, { headers: server.publisher.headers })).json();
  const realtime = body.data.components.realtime;
  assert.ok(realtime.connections >= 1);
  assert.ok(realtime.rooms >= 1);
  assert.ok(realtime.memberships >= 1);
  assert.equal(typeof realtime.queued_packets, 'number');
  assert.equal(typeof realtime.max_queue_depth, 'number');
  assert.match(await (await fetch(`${server.base}/metrics`)).text(), /^mystocks_realtime_queued_packets \d+/m);
  socket.disconnect();
});

test('protocol errors use Engine.IO error bodies', async () => {
  const wrongVersion = await fetch(`${server.base}/socket.io/?EIO=3&transport=polling`);
  assert.equal(wrongVersion.status, 400);
  assert.deepEqual(await wrongVersion.json(), { code: 5, message: 'Unsupported protocol version' });
  const unknownTransport = await fetch(`${server.base}/socket.io/?EIO=4&transport=carrier-pigeon`);
  assert.deepEqual(await unknownTransport.json(), { code: 0, message: 'Transport unknown' });
  const badNamespace = connect(server.base, { nsp: '/nope', transports: ['websocket'] });
  const [err] = await once(badNamespace, 'connect_error');
  assert.equal(err.message, 'Invalid namespace');
  badNamespace.close();
});

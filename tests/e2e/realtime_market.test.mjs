// End-to-end: the market event protocol over the stock socket.io-client — every room kind,
// market streams with field filters, error codes, rate limits, auth, resubscription after an
// expired recovery window, slow consumers (conflation, then disconnect) and 1,000 clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { collector, connect, connected, metric, once, publish, startRealtimeServer, until } from './lib/realtime.mjs';
import { login } from './lib/server.mjs';

const quiet = (ms) => new Promise((r) => setTimeout(r, ms));

test('market rooms: every kind subscribes, receives, unsubscribes; streams filter fields', async (t) => {
  const server = await startRealtimeServer({}, { users: { trader: 'trader' } });
  t.after(async () => assert.equal((await server.stop()).code, 0));
  // depth rooms need the trader role: the socket connects with a trader's access token.
  const { token } = await login(server.base, 'trader');
  const socket = await connected(connect(server.base, { transports: ['websocket'], auth: { token } }));

  for (const kind of ['tick', 'quote', 'kline_1m', 'depth', 'index']) {
    const room = `${kind}:${kind === 'index' ? '000300.SH' : 'sh600519'}`;
    const canonical = `${kind}:${kind === 'index' ? '000300.SH' : '600519.SH'}`;
    const subscribed = once(socket, 'subscribed');
    socket.emit('subscribe', { room });
    const symbol = canonical.split(':')[1];
    assert.deepEqual((await subscribed)[0], { room: canonical, snapshot: { room: canonical, seq: 0, symbol, data: null } });
    const events = collector(socket, kind);
    await publish(server, kind, canonical.split(':')[1], { value: 1 });
    const [[message]] = await events.waitFor(1);
    assert.equal(message.symbol, canonical.split(':')[1]);
    assert.deepEqual(message.data, { value: 1 });
    const unsubscribed = once(socket, 'unsubscribed');
    socket.emit('unsubscribe', { room: canonical });
    assert.deepEqual((await unsubscribed)[0], { room: canonical });
    await publish(server, kind, canonical.split(':')[1], { value: 2 });
    await quiet(200);
    assert.equal(events.items.length, 1, `${kind}: nothing after unsubscribe`);
  }

  const streamed = once(socket, 'stream_subscribed');
  socket.emit('subscribe_market_stream', { symbol: '000001', fields: ['last'] });
  assert.deepEqual((await streamed)[0], { symbol: '000001.SZ', fields: ['last'] });
  const data = collector(socket, 'stream_data');
  await publish(server, 'quote', '000001.SZ', { last: 10.5, volume: 100 });
  assert.deepEqual((await data.waitFor(1))[0][0].data, { last: 10.5 });
  const updated = once(socket, 'stream_subscribed');
  socket.emit('stream_filter_update', { symbol: '000001.SZ', fields: ['volume'] });
  await updated;
  await publish(server, 'quote', '000001.SZ', { last: 10.6, volume: 200 });
  assert.deepEqual((await data.waitFor(2))[1][0].data, { volume: 200 });
  const gone = once(socket, 'stream_unsubscribed');
  socket.emit('unsubscribe_market_stream', { symbol: '000001.SZ' });
  await gone;
  await publish(server, 'quote', '000001.SZ', { last: 10.7 });
  await quiet(200);
  assert.equal(data.items.length, 2);

  const [pong] = await once(socket.emit('ping') && socket, 'pong');
  assert.equal(typeof pong.timestamp, 'number');
  const response = once(socket, 'response');
  socket.emit('request', { request_id: 'q1', action: 'list_rooms' });
  assert.deepEqual((await response)[0], { request_id: 'q1', action: 'list_rooms', success: true, data: { rooms: [] } });
  socket.disconnect();
});

test('subscribe answers a snapshot with the room sequence; pushes carry the next numbers', async (t) => {
  const server = await startRealtimeServer();
  t.after(async () => assert.equal((await server.stop()).code, 0));
  for (const last of [10.1, 10.2]) await publish(server, 'tick', '600519', { last });
  const socket = await connected(connect(server.base, { transports: ['websocket'] }));
  await until(async () => (await socket.timeout(2000).emitWithAck('snapshot', { room: 'tick:600519' })).seq === 2,
    5000, 'both quotes fanned out');
  const quotes = collector(socket, 'tick');
  // Pushes may arrive before the ack: a client applies the snapshot, then pushes with bigger seq.
  const reply = await socket.timeout(2000).emitWithAck('subscribe', { room: 'tick:600519' });
  assert.equal(reply.room, 'tick:600519.SH');
  assert.equal(reply.snapshot.seq, 2);
  assert.deepEqual(reply.snapshot.data, { last: 10.2 });
  await publish(server, 'tick', '600519', { last: 10.3 });
  await publish(server, 'tick', '600519', { last: 10.4 });
  const received = await quotes.waitFor(2);  // ticks are never conflated: every number arrives
  assert.deepEqual(received.map(([message]) => message.seq), [3, 4]);
  // A client that saw a gap asks for a fresh snapshot.
  const fresh = await socket.timeout(2000).emitWithAck('snapshot', { room: 'tick:sh600519' });
  assert.equal(fresh.seq, 4);
  assert.deepEqual(fresh.data, { last: 10.4 });
  socket.disconnect();
});

test('bad requests get error events with the documented codes', async (t) => {
  const server = await startRealtimeServer({ MYSTOCKS_REALTIME_EVENTS_PER_SECOND: '20' });
  t.after(async () => assert.equal((await server.stop()).code, 0));
  const socket = await connected(connect(server.base, { transports: ['websocket'] }));
  const cases = [
    [['subscribe', { room: 'candles:600519' }], 'ROOM_NOT_FOUND'],
    [['subscribe', { room: 'quote:ABC' }], 'INVALID_SYMBOL'],
    [['subscribe', {}], 'INVALID_PARAMETERS'],
    [['subscribe_market_stream', { symbol: '12' }], 'INVALID_SYMBOL'],
    [['subscribe_market_stream', { symbol: '600519', fields: 'last' }], 'INVALID_PARAMETERS'],
    [['stream_filter_update', { symbol: '600000', fields: ['last'] }], 'ROOM_NOT_FOUND'],
    [['unsubscribe', { room: 'quote:600519' }], 'ROOM_NOT_FOUND'],
    [['request', { request_id: 'x', action: 'launch' }], 'INVALID_PARAMETERS'],
    [['no_such_event', {}], 'UNKNOWN_EVENT'],
  ];
  for (const [args, code] of cases) {
    const error = once(socket, 'error');
    socket.emit(...args);
    const [payload] = await error;
    assert.equal(payload.error_code, code, `${JSON.stringify(args)} -> ${payload.message}`);
    assert.ok(payload.message.length > 0);
  }
  const errors = collector(socket, 'error');
  for (let i = 0; i < 80; ++i) socket.emit('ping');
  await until(() => errors.items.some(([e]) => e.error_code === 'RATE_LIMIT_EXCEEDED'), 3000, 'rate limit');
  socket.disconnect();
});

test('auth failure is a connect_error; an expired recovery window asks to resubscribe', async (t) => {
  const server = await startRealtimeServer({ MYSTOCKS_REALTIME_RECOVERY_WINDOW_MS: '200' });
  t.after(async () => assert.equal((await server.stop()).code, 0));
  for (const auth of [{ token: 'wrong' }, { token: `${server.publisher.token}x` }]) {
    const rejected = connect(server.base, { transports: ['websocket'], auth });
    const [err] = await once(rejected, 'connect_error');
    assert.match(err.message, /^unauthorized: /);
    rejected.close();
  }
  const socket = connect(server.base, {
    transports: ['websocket'], auth: { token: server.publisher.token }, reconnection: true,
    reconnectionDelay: 600, reconnectionDelayMax: 600,
  });
  await connected(socket);
  await socket.timeout(2000).emitWithAck('subscribe', { room: 'quote:600519' });
  const resubscribe = once(socket, 'resubscribe', 5000);
  socket.io.engine.close();
  await once(socket, 'connect', 5000);
  assert.equal(socket.recovered, false);
  const [notice] = await resubscribe;
  assert.match(notice.reason, /subscribe to your rooms again/);
  socket.disconnect();
});

test('a slow consumer gets quotes conflated, then is disconnected; others are unaffected', async (t) => {
  const server = await startRealtimeServer({ MYSTOCKS_REALTIME_MAX_QUEUE_PACKETS: '20' });
  t.after(async () => assert.equal((await server.stop()).code, 0));
  const healthy = await connected(connect(server.base, { transports: ['websocket'] }));
  await healthy.timeout(2000).emitWithAck('subscribe', { room: 'tick:600519' });
  const healthyTicks = collector(healthy, 'tick');

  const ws = new WebSocket(`ws://${server.host}:${server.port}/socket.io/?EIO=4&transport=websocket`);
  const frames = [];
  ws.on('message', (data) => frames.push(data.toString()));
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise((resolve) => ws.on('open', resolve));
  ws.send('40/market,');
  await until(() => frames.some((f) => f.startsWith('40/market,')), 3000, 'namespace connect');
  ws.send('42/market,["subscribe",{"room":"tick:600519"}]');
  ws.send('42/market,["subscribe",{"room":"quote:600519"}]');
  await until(() => frames.filter((f) => f.includes('"subscribed"')).length === 2, 3000, 'subscriptions');
  ws._socket.pause();  // stop reading: the server's writes back up

  // Big ticks fill the socket buffers until the server's writer blocks; from then on packets
  // queue up: each new quote replaces the unsent one, ticks accumulate until the queue overflows.
  const big = 'x'.repeat(64 * 1024);
  const slowGone = 'mystocks_realtime_disconnects_total{reason="slow consumer"}';
  for (let i = 0; i < 600 && (await metric(server.base, slowGone)) < 1; ++i) {
    await publish(server, 'tick', '600519', { seq: i, pad: big });
    await publish(server, 'quote', '600519', { last: i });
  }
  assert.ok(await metric(server.base, slowGone) >= 1, 'slow consumer disconnected');
  assert.ok(await metric(server.base, 'mystocks_realtime_conflated_total') > 0, 'quotes were conflated');
  const sent = await metric(server.base, 'mystocks_realtime_published_total');
  ws._socket.resume();
  const { code, reason } = await closed;
  assert.equal(code, 1008);
  assert.equal(reason, 'slow consumer');
  const ticksSent = sent / 2;
  await until(() => healthyTicks.items.length >= ticksSent, 30000, `healthy client got all ${ticksSent} ticks`);
  healthy.disconnect();
});

test('1,000 concurrent clients all receive a room broadcast', async (t) => {
  const server = await startRealtimeServer({}, { users: { viewer: 'viewer' } });
  t.after(async () => assert.equal((await server.stop()).code, 0));
  // GET /api/v1/realtime/status needs a signed-in viewer.
  const { headers } = await login(server.base, 'viewer');
  const status = async () => (await (await fetch(`${server.base}/api/v1/realtime/status`, { headers })).json()).data;
  const clients = [];
  for (let batch = 0; batch < 10; ++batch) {
    const group = Array.from({ length: 100 }, () => connect(server.base, { transports: ['websocket'] }));
    await Promise.all(group.map((socket) => connected(socket, 30000)));
    await Promise.all(group.map((socket) => socket.timeout(10000).emitWithAck('subscribe', { room: 'quote:600000' })));
    clients.push(...group);
  }
  assert.equal((await status()).connections, 1000);
  const received = clients.map((socket) => once(socket, 'quote', 30000));
  await publish(server, 'quote', '600000.SH', { last: 8.88 });
  const messages = await Promise.all(received);
  assert.equal(messages.length, 1000);
  assert.ok(messages.every(([m]) => m.data.last === 8.88));
  for (const socket of clients) socket.disconnect();
  await until(async () => (await status()).connections === 0, 10000, 'all sessions closed');
});

test('rate-limited and unknown events answer the ack with the error, so awaiting clients never hang', async () => {
  // One event per second, bursts of two.
  const server = await startRealtimeServer({ MYSTOCKS_REALTIME_EVENTS_PER_SECOND: '1' }, { users: { trader: 'trader' } });
  try {
    const { token } = await login(server.base, 'trader');
    const socket = await connected(connect(server.base, { transports: ['websocket'], auth: { token } }));
    const errors = collector(socket, 'error');
    const unknown = await socket.timeout(3000).emitWithAck('no_such_event', {});
    assert.equal(unknown.error.error_code, 'UNKNOWN_EVENT');
    // The burst's second token, then nothing left: at least one ping is refused, through its ack.
    const replies = [];
    for (let i = 0; i < 3; ++i) replies.push(socket.timeout(3000).emitWithAck('ping'));
    const answers = await Promise.all(replies);
    const refused = answers.filter((answer) => answer?.error);
    assert.ok(refused.length >= 1, JSON.stringify(answers));
    assert.equal(refused[0].error.error_code, 'RATE_LIMIT_EXCEEDED');
    assert.match(refused[0].error.message, /more than 1 events per second/);
    await errors.waitFor(1 + refused.length);  // the error events still arrive as well
    socket.close();
  } finally {
    await server.stop();
  }
});

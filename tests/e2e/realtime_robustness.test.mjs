// End-to-end: untrusted Engine.IO / Socket.IO / WebSocket input never freezes the server. Each
// input that once deadlocked an I/O thread (a binary message no packet header announced, a
// second binary header before the first one's attachments, a polling "b"+base64 body) is sent
// through the real binary, then /health must answer within 100 ms; then thousands of random and
// mutated packets over both transports, after which the server still answers, every session is
// gone and its memory has not grown without bound. The seed is printed for replays
// (MYSTOCKS_FUZZ_SEED=<n>).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { metric, startRealtimeServer, until } from './lib/realtime.mjs';

let server;
before(async () => {
  server = await startRealtimeServer({
    MYSTOCKS_REALTIME_PING_INTERVAL_MS: '2000',
    MYSTOCKS_REALTIME_PING_TIMEOUT_MS: '2000',
    MYSTOCKS_REALTIME_MAX_PAYLOAD_BYTES: '65536',
    // A small ASan quarantine, so that RSS reflects what the server keeps, not freed memory.
    ASAN_OPTIONS: 'quarantine_size_mb=16:malloc_context_size=5',
  });
});
after(async () => { assert.equal((await server.stop()).code, 0, 'SIGTERM still stops the server'); });

async function healthWithin(ms) {
  const started = performance.now();
  const response = await fetch(`${server.base}/health`, { signal: AbortSignal.timeout(5000) });
  const elapsed = performance.now() - started;
  assert.equal(response.status, 200);
  assert.ok(elapsed < ms, `/health answered in ${elapsed.toFixed(1)} ms (limit ${ms} ms)`);
}

function rawWebSocket() {
  const ws = new WebSocket(`ws://${server.host}:${server.port}/socket.io/?EIO=4&transport=websocket`);
  const frames = [];
  ws.on('message', (data, binary) => frames.push(binary ? data : data.toString()));
  ws.on('error', () => {});
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = new Promise((resolve) => ws.on('open', resolve));
  return { ws, frames, closed, opened };
}

async function openedWebSocket() {
  const raw = rawWebSocket();
  await raw.opened;
  await until(() => raw.frames.length > 0, 5000, 'Engine.IO open packet');
  return raw;
}

async function pollingSid() {
  const text = await (await fetch(`${server.base}/socket.io/?EIO=4&transport=polling`)).text();
  return JSON.parse(text.slice(1)).sid;
}

const pollUrl = (sid) => `${server.base}/socket.io/?EIO=4&transport=polling&sid=${sid}`;

test('a binary WebSocket message that no header announced closes only that connection', async () => {
  const raw = await openedWebSocket();
  raw.ws.send(Buffer.from([0]), { binary: true });
  await raw.closed;
  await healthWithin(100);
});

test('a second binary packet header before the first one completed closes the connection', async () => {
  const raw = await openedWebSocket();
  raw.ws.send('40');
  raw.ws.send('451-["echo",{"_placeholder":true,"num":0}]');
  raw.ws.send('451-["echo",{"_placeholder":true,"num":0}]');
  await raw.closed;
  await healthWithin(100);
  // The same without CONNECT.
  const bare = await openedWebSocket();
  bare.ws.send('451-["echo",{"_placeholder":true,"num":0}]');
  bare.ws.send('451-["echo",{"_placeholder":true,"num":0}]');
  await bare.closed;
  await healthWithin(100);
});

test('a polling POST carrying an unannounced base64 binary message closes the session', async () => {
  const sid = await pollingSid();
  const post = await fetch(pollUrl(sid), { method: 'POST', body: 'bAAEC' });
  assert.equal(post.status, 200);
  await healthWithin(100);
  const gone = await fetch(pollUrl(sid));
  assert.equal(gone.status, 400, 'session closed for the parse error');
});

test('event names must be strings and placeholders must name an attachment', async () => {
  for (const sequence of [
    ['42[1,2,3]'],
    ['42["connect"]'],
    ['451-["echo",{"_placeholder":true,"num":5}]', Buffer.from([1])],
    ['451-["echo",{"_placeholder":true,"num":-1}]', Buffer.from([1])],
    ['451-["echo",{"_placeholder":true,"num":"0"}]', Buffer.from([1])],
  ]) {
    const raw = await openedWebSocket();
    raw.ws.send('40');
    await until(() => raw.frames.some((frame) => String(frame).startsWith('40{')), 5000, 'CONNECT reply');
    for (const item of sequence) raw.ws.send(item, { binary: Buffer.isBuffer(item) });
    await raw.closed;
    assert.ok(!raw.frames.some((frame) => String(frame).startsWith('45')), `${sequence[0]} was not echoed`);
  }
  await healthWithin(100);
});

test('leaving the main namespace keeps the connection and its other namespaces', async () => {
  const raw = await openedWebSocket();
  raw.ws.send('40');
  raw.ws.send('40/market,');
  await until(() => raw.frames.some((frame) => String(frame).startsWith('40/market,{')), 5000, '/market CONNECT');
  raw.ws.send('41');
  raw.ws.send('42/market,7["ping"]');
  await until(() => raw.frames.some((frame) => String(frame).startsWith('43/market,7[')), 5000, '/market ack');
  assert.equal(raw.ws.readyState, WebSocket.OPEN);
  // A packet for the namespace it left means the client lost track: closed, as by Node.
  raw.ws.send('42["ping"]');
  await raw.closed;
});

test('a client Engine.IO ping is refused; WebSocket ping floods get one pong per read', async () => {
  const pinger = await openedWebSocket();
  pinger.ws.send('2');
  await pinger.closed;

  const raw = await openedWebSocket();
  let pongs = 0;
  raw.ws.on('pong', () => { pongs += 1; });
  for (let index = 0; index < 2000; index += 1) raw.ws.ping('x');
  raw.ws.send('40');
  await until(() => raw.frames.some((frame) => String(frame).startsWith('40{')), 5000, 'CONNECT reply');
  await until(() => pongs > 0, 5000, 'a pong');
  assert.ok(pongs < 2000, `${pongs} pongs for 2000 pings`);
  raw.ws.close();
  await healthWithin(100);
});

// Random and mutated packets. A small PRNG (mulberry32) so that a failing seed replays exactly.
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kValid = [
  '40', '40/market,', '40{"token":"x"}', '41', '41/market,', '42["ping"]', '420["ping"]',
  '42/market,1["subscribe",{"room":"quote:600519.SH"}]', '42["subscribe",{"room":"tick:000001"}]',
  '42["unsubscribe",{"room":"tick:000001"}]', '42["request",{"request_id":"r","action":"list_rooms"}]',
  '43[]', '437["late"]', '451-["echo",{"_placeholder":true,"num":0}]',
  '452-9["echo",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', '461-3[{"_placeholder":true,"num":0}]',
  '3', '5', '6', '1', '2probe', '4', '0', '44{"message":"x"}', '40/nope,',
];
const kAlphabet = '0123456789[]{}",:-/_abcxyz\\\u00e9\u4e2d\x1e';

function randomText(random, max) {
  let text = '';
  const length = Math.floor(random() * max);
  for (let index = 0; index < length; index += 1) text += kAlphabet[Math.floor(random() * kAlphabet.length)];
  return text;
}

function mutate(random, text) {
  const chars = [...text];
  const edits = 1 + Math.floor(random() * 3);
  for (let edit = 0; edit < edits && chars.length > 0; edit += 1) {
    const at = Math.floor(random() * chars.length);
    const choice = random();
    if (choice < 0.3) chars.splice(at, 1);
    else if (choice < 0.6) chars[at] = kAlphabet[Math.floor(random() * kAlphabet.length)];
    else if (choice < 0.8) chars.splice(at, 0, kAlphabet[Math.floor(random() * kAlphabet.length)]);
    else chars.length = at;  // truncate
  }
  return chars.join('');
}

function randomPacket(random) {
  const choice = random();
  if (choice < 0.45) return kValid[Math.floor(random() * kValid.length)];
  if (choice < 0.8) return mutate(random, kValid[Math.floor(random() * kValid.length)]);
  if (choice < 0.9) return '4' + randomText(random, 40);
  return randomText(random, 60);
}

function randomBinary(random) {
  const bytes = Buffer.alloc(Math.floor(random() * 16));
  for (let index = 0; index < bytes.length; index += 1) bytes[index] = Math.floor(random() * 256);
  return bytes;
}

async function fuzzWebSocket(random) {
  const raw = rawWebSocket();
  const opened = await Promise.race([raw.opened.then(() => true), raw.closed.then(() => false)]);
  if (!opened) return 0;
  const count = 1 + Math.floor(random() * 30);
  for (let index = 0; index < count && raw.ws.readyState === WebSocket.OPEN; index += 1) {
    if (random() < 0.15) raw.ws.send(randomBinary(random), { binary: true });
    else raw.ws.send(randomPacket(random));
  }
  if (raw.ws.readyState === WebSocket.OPEN) raw.ws.close();
  await Promise.race([raw.closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
  raw.ws.terminate();
  return count;
}

async function fuzzPolling(random) {
  const sid = await pollingSid();
  const posts = 1 + Math.floor(random() * 6);
  let sent = 0;
  for (let index = 0; index < posts; index += 1) {
    const packets = [];
    const count = 1 + Math.floor(random() * 8);
    for (let item = 0; item < count; item += 1) {
      packets.push(random() < 0.15 ? 'b' + randomBinary(random).toString('base64') : randomPacket(random));
    }
    sent += count;
    const body = random() < 0.1 ? mutate(random, packets.join('\x1e')) : packets.join('\x1e');
    const response = await fetch(pollUrl(sid), { method: 'POST', body });
    await response.arrayBuffer();
    if (response.status !== 200) break;
  }
  // A GET drains what the server queued, or tells us the session is gone.
  const poll = await fetch(pollUrl(sid), { signal: AbortSignal.timeout(300) }).catch(() => null);
  if (poll) await poll.arrayBuffer().catch(() => {});
  await fetch(pollUrl(sid), { method: 'POST', body: '1' }).then((r) => r.arrayBuffer()).catch(() => {});
  return sent;
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

async function fuzzRound(random, sessions) {
  let packets = 0;
  for (let index = 0; index < sessions; index += 1) {
    // Four sessions at a time, over both transports.
    const batch = await Promise.all([0, 1, 2, 3].map(() => (random() < 0.6 ? fuzzWebSocket(random) : fuzzPolling(random))));
    packets += batch.reduce((sum, value) => sum + value, 0);
  }
  return packets;
}

test('thousands of random and mutated packets over both transports', { timeout: 240000 }, async () => {
  const seed = Number(process.env.MYSTOCKS_FUZZ_SEED ?? Date.now() % 1000000);
  console.log(`# realtime fuzz seed ${seed}`);
  const random = prng(seed);
  await fuzzRound(random, 25);  // warm-up: allocator pools, recovery store, metrics series
  await until(async () => (await metric(server.base, 'mystocks_realtime_connections')) === 0, 10000, 'warm-up sessions closed');
  const baseline = rssKiB(server.child.pid);
  const packets = await fuzzRound(random, 150);
  assert.ok(packets >= 3000, `sent ${packets} packets`);
  await healthWithin(100);
  await until(async () => (await metric(server.base, 'mystocks_realtime_connections')) === 0, 10000, 'every session closed');
  const grown = rssKiB(server.child.pid) - baseline;
  console.log(`# ${packets} packets, RSS grew ${grown} KiB`);
  assert.ok(grown < 48 * 1024, `RSS grew ${grown} KiB after ${packets} packets (seed ${seed})`);
});

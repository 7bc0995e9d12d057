// End-to-end: `mystocks demo` seeds its embedded stores, reports readiness only once the data is
// in, keeps a moving market (live ticks, quotes and 1-minute bars reach socket.io-client rooms
// through DataManager -> DataChanged -> realtime), and does not seed a second time on restart.
// The system status route needs an operator: the demo's `admin` account reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { demoPassword, login, startDemo, startServer, smallDemo, waitReady } from './lib/server.mjs';
import { collector, connect, connected, once } from './lib/realtime.mjs';

async function json(base, path, headers = {}) {
  const response = await fetch(base + path, { headers });
  return { status: response.status, body: await response.json() };
}

async function systemStatus(base) {
  const { headers } = await login(base, 'admin', demoPassword);
  const reply = await json(base, '/api/v1/system/status', headers);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply;
}

test('demo: seeds, becomes ready, shows stores and breakers in the status', async (t) => {
  const server = await startDemo();
  t.after(() => server.stop());
  const { body } = await systemStatus(server.base);
  const storage = body.data.components.storage;
  assert.match(storage.relational, /^sqlite .*relational\.db/);
  assert.equal(storage.demo_seed, 'seeded');
  assert.deepEqual(storage.breakers.map((b) => [b.upstream, b.state]),
    [['store.relational', 'closed'], ['store.time_series', 'closed']]);
  assert.ok(storage.tables >= 20);
  const ready = await json(server.base, '/health/ready');
  assert.deepEqual(ready.body.data.checks.map((c) => c.name),
    ['storage.data_dir', 'storage.relational', 'storage.time_series', 'demo.seeded', 'threads']);
  const metrics = await (await fetch(`${server.base}/metrics`)).text();
  assert.match(metrics, /mystocks_data_rows_written_total\{table="daily_kline"\} [1-9]/);
  assert.match(metrics, /mystocks_breaker_state\{upstream="store.relational"\} 0/);
});

test('demo: the live feed moves rooms through the stores', async (t) => {
  // Ten market seconds per wall second: a 1-minute bar closes every 6 s.
  const server = await startDemo({ env: { MYSTOCKS_SOURCES_LIVE_SPEED: '10' } });
  t.after(() => server.stop());
  const socket = await connected(connect(server.base, { transports: ['websocket'] }));
  t.after(() => socket.disconnect());
  const { body } = await systemStatus(server.base);
  assert.equal(body.data.components.storage.live_feed.failures, 0);
  // Some of the 20 simulated stocks (seed 42); any may be suspended on a given day, so listen
  // to several.
  const symbols = ['000148.SZ', '002214.SZ', '300170.SZ', '600806.SH', '688694.SH'];
  for (const kind of ['tick', 'quote', 'kline_1m']) {
    for (const symbol of symbols) {
      const subscribed = once(socket, 'subscribed');
      socket.emit('subscribe', { room: `${kind}:${symbol}` });
      await subscribed;
    }
  }
  const ticks = collector(socket, 'tick');
  const quotes = collector(socket, 'quote');
  const bars = collector(socket, 'kline_1m');
  const [[tick]] = await ticks.waitFor(1, 15000);
  assert.ok(symbols.includes(tick.symbol), tick.symbol);
  assert.equal(typeof tick.data.last, 'number');
  const [[quote]] = await quotes.waitFor(1, 15000);
  assert.ok(quote.data.limit_up >= quote.data.last);
  const [[bar]] = await bars.waitFor(1, 20000);
  assert.equal(bar.data.frequency, '1m');
  assert.ok(bar.data.high >= bar.data.low);
  const after = await systemStatus(server.base);
  assert.ok(after.body.data.components.storage.live_feed.rows_saved > 0);
});

test('demo: a restart on the same data dir keeps the data and does not seed again', async (t) => {
  const first = await startDemo();
  const dataArgs = ['--data-dir', first.dataDir];
  // Stop without deleting the directory: the second server opens it.
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0);
  const second = await startServer({ command: 'demo', args: dataArgs, env: smallDemo });
  t.after(async () => {
    await second.stop();
    rmSync(first.dataDir, { recursive: true, force: true });  // second.stop() removes only its own
  });
  await waitReady(second.base, 30000);
  assert.match(second.stderr(), /already holds the demo data/);
});

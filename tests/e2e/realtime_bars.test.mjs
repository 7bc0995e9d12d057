// End-to-end: bar finality in `mystocks demo`. A socket.io-client in `kline_1m:<symbol>` sees
// forming updates of the open minute (final: false, same timestamp), then that minute's final bar
// exactly once (final: true), never a forming update of it afterwards, and the final bar equals
// the bar REST serves from minute_kline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from './lib/server.mjs';
import { collector, connect, connected, until } from './lib/realtime.mjs';

// Some of the 20 simulated stocks (seed 42); any may be suspended on a given day.
const symbols = ['000148.SZ', '002214.SZ', '300170.SZ', '600806.SH', '688694.SH'];

test('kline_1m: forming updates, one final bar, equal to the stored bar', async (t) => {
  // Twenty market seconds per wall second: a minute closes every 3 s.
  const server = await startDemo({
    env: { MYSTOCKS_SOURCES_LIVE_SPEED: '20', MYSTOCKS_REALTIME_BAR_UPDATE_MS: '200' },
  });
  t.after(() => server.stop());
  const socket = await connected(connect(server.base, { transports: ['websocket'] }));
  t.after(() => socket.disconnect());
  for (const symbol of symbols) {
    const reply = await socket.timeout(5000).emitWithAck('subscribe', { room: `kline_1m:${symbol}` });
    assert.equal(reply.room, `kline_1m:${symbol}`);
  }
  const bars = collector(socket, 'kline_1m');
  // Wait for a bar seen forming and then final, followed by a later final bar of that symbol
  // (so any stray forming update of the first would have arrived by then).
  let checked = null;
  await until(() => {
    const messages = bars.items.map(([message]) => message);
    for (const final of messages.filter((m) => m.data.final === true)) {
      const same = messages.filter((m) => m.symbol === final.symbol && m.timestamp === final.timestamp);
      const later = messages.some((m) => m.symbol === final.symbol && m.data.final && m.timestamp > final.timestamp);
      if (same.some((m) => m.data.final === false) && later) { checked = { final, same }; return true; }
    }
    return false;
  }, 45000, 'a forming bar closing into its final bar');
  const { final, same } = checked;
  const finals = same.filter((m) => m.data.final === true);
  assert.equal(finals.length, 1, 'the final bar is pushed exactly once');
  const finalIndex = same.indexOf(finals[0]);
  assert.ok(same.slice(finalIndex + 1).every((m) => m.data.final), 'no forming update after the final bar');
  assert.ok(same.slice(0, finalIndex).every((m) => m.data.final === false));
  // Sequence numbers of the room only grow.
  const seqs = bars.items.map(([m]) => m).filter((m) => m.symbol === final.symbol).map((m) => m.seq);
  assert.deepEqual([...seqs].sort((a, b) => a - b), seqs);

  const response = await fetch(`${server.base}/api/v1/market/kline?` + new URLSearchParams({
    symbol: final.symbol, interval: '1m', start: String(final.timestamp), end: String(final.timestamp),
  }));
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  const [stored] = body.data.bars;
  assert.ok(stored, `REST has the bar at ${final.timestamp}`);
  for (const field of ['open', 'high', 'low', 'close', 'volume', 'amount']) {
    assert.equal(Number(stored[field]), Number(final.data[field]), `${field}: stored ${stored[field]}, pushed ${final.data[field]}`);
  }
});

// End-to-end: order-book depth in `mystocks demo`. The live feed writes one order_book_depth
// row per security per 3-second mark (the book of that mark's tick), so after the demo plays for
// a moment REST depth answers a 5-level book on the 0.01 grid in whole lots, and a
// socket.io-client in `depth:<symbol>` receives the pushes. Depth (route and rooms) needs a
// trader: the demo's `demo` account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoPassword, login, startDemo } from './lib/server.mjs';
import { collector, connect, connected, once } from './lib/realtime.mjs';

// Well-known shares the simulated universe opens with (every board but BSE); any may be
// suspended on a given day.
const symbols = ['000001.SZ', '000858.SZ', '300750.SZ', '600519.SH', '688981.SH'];

async function depth(base, query, headers) {
  const response = await fetch(`${base}/api/v1/market/depth?${new URLSearchParams(query)}`, { headers });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.data;
}

function onGrid(price) {
  return Math.abs(price * 100 - Math.round(price * 100)) < 1e-6;
}

// A book's invariants; returns how many levels each side has.
function checkBook(snapshot, where) {
  const { bids, asks } = snapshot;
  assert.ok(bids.length <= 5 && asks.length <= 5, `${where}: more than 5 levels`);
  // Only a side cut short at a price limit has fewer than five levels; the other keeps five.
  assert.equal(Math.max(bids.length, asks.length), 5, `${where}: ${JSON.stringify(snapshot)}`);
  for (const [side, levels, sign] of [['bid', bids, -1], ['ask', asks, 1]]) {
    levels.forEach((level, i) => {
      assert.ok(onGrid(level.price), `${where} ${side}${i + 1} ${level.price} off the 0.01 grid`);
      assert.ok(level.volume > 0 && level.volume % 100 === 0, `${where} ${side}${i + 1} size ${level.volume}`);
      if (i > 0) assert.ok(sign * (level.price - levels[i - 1].price) > 0, `${where} ${side} order`);
    });
  }
  if (bids.length > 0 && asks.length > 0) assert.ok(bids[0].price < asks[0].price, `${where}: crossed`);
  return [bids.length, asks.length];
}

test('demo depth: REST serves 5-level books and the depth room pushes them', async (t) => {
  // Ten market seconds per wall second: a depth mark every 0.3 s.
  const server = await startDemo({ env: { MYSTOCKS_SOURCES_LIVE_SPEED: '10' } });
  t.after(() => server.stop());
  const trader = await login(server.base, 'demo', demoPassword);
  const socket = await connected(connect(server.base, { transports: ['websocket'], auth: { token: trader.token } }));
  t.after(() => socket.disconnect());
  for (const symbol of symbols) {
    const subscribed = once(socket, 'subscribed');
    socket.emit('subscribe', { room: `depth:${symbol}` });
    assert.equal((await subscribed)[0].room, `depth:${symbol}`);
  }
  const pushes = collector(socket, 'depth');
  const [[push]] = await pushes.waitFor(1, 15000);
  assert.ok(symbols.includes(push.symbol), push.symbol);
  assert.equal(typeof push.timestamp, 'number');
  // The pushed row is the order_book_depth row: levels 1-5, levels 6-10 null.
  assert.ok(push.data.bid1_price !== null || push.data.ask1_price !== null, JSON.stringify(push.data));
  assert.equal(push.data.bid6_price, null);
  assert.equal(push.data.ask10_volume, null);
  if (push.data.bid1_price !== null && push.data.ask1_price !== null) {
    assert.ok(push.data.bid1_price < push.data.ask1_price);
  }

  // REST: the latest snapshot of every trading symbol, and a range of them for one.
  let twoSided = 0;
  let latest = null;
  for (const symbol of symbols) {
    const data = await depth(server.base, { symbol }, trader.headers);
    assert.equal(data.symbol, symbol);
    if (data.snapshots.length === 0) continue;  // suspended today
    assert.equal(data.snapshots.length, 1);
    const [bids, asks] = checkBook(data.snapshots[0], symbol);
    if (bids === 5 && asks === 5) twoSided += 1;
    latest ??= { symbol, ts: data.snapshots[0].ts };
  }
  assert.ok(latest, 'no symbol has a depth snapshot');
  assert.ok(twoSided >= 1, 'no symbol has a full two-sided book');
  // Wait for a few more marks, then ask for the range ending at the newest one we know.
  await pushes.waitFor(pushes.items.length + 10, 15000);
  const newest = await depth(server.base, { symbol: latest.symbol }, trader.headers);
  const end = newest.snapshots[0].ts;
  const range = await depth(server.base, { symbol: latest.symbol, start: String(end - 30000), end: String(end) },
    trader.headers);
  assert.ok(range.snapshots.length >= 2, `only ${range.snapshots.length} snapshots in 30 market seconds`);
  for (let i = 1; i < range.snapshots.length; i += 1) {
    assert.ok(range.snapshots[i].ts - range.snapshots[i - 1].ts >= 3000, 'snapshots 3 s apart, oldest first');
  }
  range.snapshots.forEach((snapshot) => checkBook(snapshot, `${latest.symbol} @${snapshot.ts}`));
});

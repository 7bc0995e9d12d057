// End-to-end: `mystocks demo` stopped with SIGTERM and started again on the same data dir
// continues its live session where the store ends - the first realtime pushes after the restart
// are newer than the last tick stored before it, the stored ticks around the restart have no gap,
// and /api/v1/market/quotes agrees with the newest stored tick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startDemo, startServer, smallDemo, waitReady } from './lib/server.mjs';
import { collector, connect, connected, once, until } from './lib/realtime.mjs';

// Ten market seconds per wall second: a 3-second mark every 0.3 s.
const env = { ...smallDemo, MYSTOCKS_SOURCES_LIVE_SPEED: '10' };
const kMarkMs = 3000;
const kHourMs = 3600000;

// The demo's next snapshot mark after `ts`: 3 s later, except across the lunch break (11:30 ->
// 13:00:03) and the close (15:00 -> the next date's 09:30:03), Asia/Shanghai.
function nextMark(ts) {
  const local = (ts + 8 * kHourMs) % (24 * kHourMs);
  if (local === 11.5 * kHourMs) return ts + 1.5 * kHourMs + kMarkMs;
  if (local === 15 * kHourMs) return ts + 18.5 * kHourMs + kMarkMs;
  return ts + kMarkMs;
}

async function json(base, path) {
  const response = await fetch(base + path);
  const body = await response.json();
  assert.equal(response.status, 200, `${path}: ${JSON.stringify(body)}`);
  return body.data;
}

async function newestTick(base, symbol) {
  const { ticks } = await json(base, `/api/v1/market/ticks?symbol=${symbol}&limit=1`);
  return ticks.at(-1);
}

// A stock the live feed moves: one whose quote comes from realtime_quote (the seed stores none).
async function liveStock(base) {
  const stocks = await json(base, '/api/v1/market/symbols?security_type=stock&size=20');
  const list = stocks.map((row) => row.symbol).join(',');
  let found;
  await until(async () => {
    const { quotes } = await json(base, `/api/v1/market/quotes?symbols=${list}`);
    found = quotes.find((quote) => quote.source === 'realtime_quote')?.symbol;
    return found !== undefined;
  }, 30000, 'a live realtime quote');
  return found;
}

test('demo: a restart continues the live session after the stored rows', async (t) => {
  const first = await startDemo({ env });
  const { dataDir } = first;
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const symbol = await liveStock(first.base);
  // Let the session move on well past its first marks, so a replay would be visible.
  const start = (await newestTick(first.base, symbol)).ts;
  await until(async () => (await newestTick(first.base, symbol)).ts >= start + 60000, 30000,
    'a market minute of live ticks');
  const seenBefore = (await newestTick(first.base, symbol)).ts;
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0);
  const second = await startServer({ command: 'demo', args: ['--data-dir', dataDir], env });
  t.after(() => second.stop());
  const socket = await connected(connect(second.base, { transports: ['websocket'] }));
  t.after(() => socket.disconnect());
  const ticks = collector(socket, 'tick');
  const subscribed = once(socket, 'subscribed');
  socket.emit('subscribe', { room: `tick:${symbol}` });
  await subscribed;
  await waitReady(second.base, 30000);
  const resumedAt = /newest stored tick or index snapshot: (\S+)\)/.exec(second.stderr())?.[1];
  assert.ok(resumedAt, `no resume line in the log:\n${second.stderr()}`);
  // Where the first run's store ends (it may have saved a mark or two after our last read).
  const lastBefore = Date.parse(resumedAt);
  assert.ok(lastBefore >= seenBefore && lastBefore <= seenBefore + 10 * kMarkMs,
    `resumed after ${resumedAt}, but the first run's newest tick was ` +
    `${new Date(seenBefore).toISOString()}`);

  // Realtime: only marks after the stored ones are pushed.
  const pushed = (await ticks.waitFor(3, 20000)).map(([message]) => message.timestamp);
  for (const ts of pushed) {
    assert.ok(ts > lastBefore, `pushed tick ${new Date(ts).toISOString()} is not after ` +
      `the stored ${resumedAt}`);
  }
  // Stored: the ticks around the restart are consecutive marks, nothing skipped or doubled.
  const around = await json(second.base, `/api/v1/market/ticks?symbol=${symbol}` +
    `&start=${lastBefore - 10 * kMarkMs}&end=${pushed[0]}&limit=1000`);
  const times = around.ticks.map((tick) => tick.ts);
  assert.ok(times.includes(lastBefore) && times.at(-1) === pushed[0], JSON.stringify(times));
  for (let i = 1; i < times.length; i += 1) {
    assert.equal(times[i], nextMark(times[i - 1]), `gap at ${new Date(times[i]).toISOString()}`);
  }

  // REST: the quote is the newest stored tick's (the feed may save a new mark between the two
  // reads, so retry until both reads see the same one).
  await until(async () => {
    const [quote] = (await json(second.base, `/api/v1/market/quotes?symbols=${symbol}`)).quotes;
    const tick = await newestTick(second.base, symbol);
    return quote.source === 'realtime_quote' && quote.ts === tick.ts && quote.last === tick.last &&
      quote.ts > lastBefore;
  }, 10000, 'the quote of the newest tick');
});

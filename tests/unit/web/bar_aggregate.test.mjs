// The symbol page's live aggregation of 1-minute pushes (web/src/bar_aggregate.js) against the
// server's bucket rule (src/api/kline_bars.cc resample_session): session-aligned 5m..60m
// buckets timed at their first minute, 1d at the Asia/Shanghai midnight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BarAggregator, bucketStart } from '../../../web/src/bar_aggregate.js';

// Epoch ms of a Shanghai wall time on 2026-11-25.
const at = (hh, mm) => Date.UTC(2026, 10, 25, hh - 8, mm);
const minute = (hh, mm, open, close, volume, final = true) =>
  ({ ts: at(hh, mm), open, high: Math.max(open, close), low: Math.min(open, close), close, volume, amount: volume * 10, final });

test('buckets follow the trading sessions like the server', () => {
  assert.equal(bucketStart(at(9, 30), '60m'), at(9, 30));
  assert.equal(bucketStart(at(10, 29), '60m'), at(9, 30));
  assert.equal(bucketStart(at(10, 30), '60m'), at(10, 30));
  assert.equal(bucketStart(at(11, 29), '60m'), at(10, 30));
  assert.equal(bucketStart(at(13, 0), '60m'), at(13, 0));
  assert.equal(bucketStart(at(14, 59), '60m'), at(14, 0));
  assert.equal(bucketStart(at(15, 0), '60m'), at(14, 0), 'the 15:00 print joins 14:59');
  assert.equal(bucketStart(at(9, 25), '5m'), at(9, 30), 'the auction print joins 09:30');
  assert.equal(bucketStart(at(11, 14), '30m'), at(11, 0));
  assert.equal(bucketStart(at(13, 14), '15m'), at(13, 0));
  assert.equal(bucketStart(at(13, 15), '15m'), at(13, 15));
  assert.equal(bucketStart(at(14, 7), '1d'), Date.UTC(2026, 10, 24, 16, 0));
});

test('a bucket joined midway is not drawn: its earlier minutes are missing', () => {
  const bars = new BarAggregator('1d', { ts: Date.UTC(2026, 10, 23, 16, 0), open: 1, high: 1, low: 1, close: 1, volume: 1, amount: 1 });
  assert.equal(bars.push(minute(10, 15, 5, 6, 1)), null, 'today\'s 10:15 without today\'s earlier minutes');
  const hourly = new BarAggregator('60m', null);
  assert.equal(hourly.push(minute(10, 45, 5, 6, 1)), null);
  assert.equal(hourly.push(minute(11, 30 - 1, 5, 6, 1)), null);
  assert.equal(hourly.push(minute(13, 0, 5, 6, 1)).ts, at(13, 0));
});

test('pushes fold into the forming bar; a repeated minute replaces itself', () => {
  const bars = new BarAggregator('5m', null);
  assert.deepEqual(bars.push(minute(9, 30, 10, 11, 100, false)),
    { ts: at(9, 30), open: 10, high: 11, low: 10, close: 11, volume: 100, amount: 1000, final: false });
  bars.push(minute(9, 30, 10, 12, 150));  // the same minute, final: replaces the forming push
  const second = bars.push(minute(9, 31, 12, 9, 50));
  assert.deepEqual(second, { ts: at(9, 30), open: 10, high: 12, low: 9, close: 9, volume: 200, amount: 2000, final: false });
  const last = bars.push(minute(9, 34, 9, 9.5, 10));
  assert.equal(last.final, true, 'the bucket\'s last minute closes it');
  const next = bars.push(minute(9, 35, 9.5, 9.6, 5));
  assert.equal(next.ts, at(9, 35));
  assert.equal(next.volume, 5);
  assert.equal(bars.push(minute(9, 33, 1, 1, 1)), null, 'a push older than the forming bucket');
});

test('the chart\'s newest bar is the base of its bucket', () => {
  const loaded = { ts: at(10, 30), open: 20, high: 21, low: 19.5, close: 20.5, volume: 1000, amount: 20000 };
  const bars = new BarAggregator('60m', loaded);
  const bar = bars.push(minute(10, 45, 20.5, 22, 10));
  assert.deepEqual(bar, { ts: at(10, 30), open: 20, high: 22, low: 19.5, close: 22, volume: 1010, amount: 20100, final: false });
  const daily = new BarAggregator('1d', { ts: Date.UTC(2026, 10, 24, 16, 0), open: 5, high: 6, low: 4, close: 5, volume: 1, amount: 1 });
  assert.equal(daily.push(minute(14, 59, 5, 7, 1)).high, 7);
  assert.equal(daily.push(minute(14, 59, 5, 7, 1)).final, true, 'the day closes with 14:59');
});

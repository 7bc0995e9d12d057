// Live bars of the symbol page's longer intervals, from the pushed 1-minute bars (kline_1m:
// room), aligned as the server aligns them (src/api/kline_bars.cc): 5m..60m buckets count
// trading minutes from each session's open (a 60m bar starts 09:30, 10:30, 13:00, 14:00; a 09:25
// auction print joins 09:30, a 15:00 print joins 14:59) and carry the bucket's first minute as
// their time; a 1d bar is the Asia/Shanghai trading date, timed at its midnight.
// The newest bar the chart loaded is the base of its bucket: live minutes are added to it, so a
// minute the server had already stored when the chart loaded may be counted twice in volume and
// amount (prices are unaffected); the next reload corrects it. A later bucket is started only by
// its first minute: one joined midway (the server served no bar for it, e.g. today's daily bar
// before the close) would miss its earlier minutes, so it is not drawn until the next bucket.
// Pure functions and a small state object: no DOM, safe to unit-test under node.

const minuteMs = 60000;
const dayMs = 86400000;
const shanghaiOffsetMs = 8 * 3600 * 1000;
export const liveIntervals = { '1m': 1, '5m': 5, '15m': 15, '30m': 30, '60m': 60, '1d': 240 };

const shanghaiMidnight = (ms) => Math.floor((ms + shanghaiOffsetMs) / dayMs) * dayMs - shanghaiOffsetMs;

// Session minute 0..239 of an instant (server: session_minute).
export function sessionMinute(ms) {
  const minuteOfDay = Math.floor((ms - shanghaiMidnight(ms)) / minuteMs);
  if (minuteOfDay < 570) return 0;                       // before 09:30
  if (minuteOfDay < 690) return minuteOfDay - 570;       // 09:30-11:29
  if (minuteOfDay < 780) return 119;                     // lunch joins 11:29
  if (minuteOfDay < 900) return 120 + minuteOfDay - 780; // 13:00-14:59
  return 239;
}

// Epoch ms of session minute `minute` of the day starting at `midnight`.
const minuteStart = (midnight, minute) => midnight + ((minute < 120 ? 570 + minute : 780 + minute - 120) * minuteMs);

// The start of the `interval` bucket holding the 1-minute bar that starts at `ms`.
export function bucketStart(ms, interval) {
  const midnight = shanghaiMidnight(ms);
  if (interval === '1d') return midnight;
  const size = liveIntervals[interval];
  return minuteStart(midnight, Math.floor(sessionMinute(ms) / size) * size);
}

// Whether the 1-minute bar at `ms` is the first minute of its `interval` bucket.
function opensBucket(ms, interval) {
  const minute = sessionMinute(ms);
  return interval === '1d' ? minute === 0 : minute % liveIntervals[interval] === 0;
}

// Whether the 1-minute bar at `ms` is the last minute of its `interval` bucket.
function closesBucket(ms, interval) {
  const minute = sessionMinute(ms);
  return minute === 239 || (interval !== '1d' && (minute + 1) % liveIntervals[interval] === 0);
}

// Folds pushed 1-minute bars into the forming bar of `interval`. `newest` is the chart's newest
// bar ({ts, open, high, low, close, volume, amount}) or null.
export class BarAggregator {
  constructor(interval, newest) {
    this.interval = interval;
    this.bucket = newest ? newest.ts : -Infinity;
    this.base = newest ? { ...newest } : null;
    this.minutes = new Map();  // minute start -> the newest push of that minute
  }

  // The bar to draw for `bar` (a 1-minute bar with ts), or null for a push older than the
  // forming bucket or in a later bucket joined midway.
  push(bar) {
    const bucket = bucketStart(bar.ts, this.interval);
    if (bucket < this.bucket) return null;
    if (bucket > this.bucket) {
      if (!opensBucket(bar.ts, this.interval)) return null;  // joined midway: incomplete
      this.bucket = bucket;
      this.base = null;
      this.minutes.clear();
    }
    this.minutes.set(bar.ts, bar);
    const minutes = [...this.minutes.values()].sort((a, b) => a.ts - b.ts);
    const first = this.base ?? minutes[0];
    const last = minutes.at(-1);
    const sum = (key) => (this.base ? Number(this.base[key] ?? 0) : 0) + minutes.reduce((total, m) => total + Number(m[key] ?? 0), 0);
    return {
      ts: bucket,
      open: first.open,
      high: Math.max(...(this.base ? [Number(this.base.high)] : []), ...minutes.map((m) => Number(m.high))),
      low: Math.min(...(this.base ? [Number(this.base.low)] : []), ...minutes.map((m) => Number(m.low))),
      close: last.close,
      volume: sum('volume'),
      amount: sum('amount'),
      final: Boolean(last.final) && closesBucket(last.ts, this.interval),
    };
  }
}

// End-to-end: the market-data routes on the real binary with demo data (simulator-seeded stores):
// every route's happy path (quotes of securities and indices in one answer), a table of bad
// inputs per route (400 naming the field), 404 for unknown symbols, v2 columns and CSV,
// Accept: text/csv on list routes, Deprecation/Link on the v1 K-line route, ETag/304, prices as
// plain decimals, and every market route in OpenAPI.
// Needs `mystocks demo` to open the stores, seed them and register api::register_market_routes.
// Market data is public; only order-book depth needs a trader (the demo's `demo` account).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoPassword, login, startServer, waitReady } from './lib/server.mjs';

let server;
let symbols = [];
let trader = {};  // the demo trader's bearer header

async function get(path, headers = {}) {
  const response = await fetch(`${server.base}${path}`, { headers });
  const text = await response.text();
  let body = null;
  if (text && (response.headers.get('content-type') ?? '').startsWith('application/json')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, body };
}

before(async () => {
  server = await startServer({ command: 'demo', env: { MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false' } });
  trader = (await login(server.base, 'demo', demoPassword)).headers;
  // The demo seeds in the background: wait for the master, a year of daily bars, minute bars,
  // ticks and quotes of the first stock.
  const deadline = Date.now() + 150000;
  const seeded = async (first) => {
    const daily = await get(`/api/v1/market/kline?symbol=${first}&limit=250`);
    const minute = await get(`/api/v1/market/kline?symbol=${first}&interval=1m&limit=1`);
    const ticks = await get(`/api/v1/market/ticks?symbol=${first}&limit=1`);
    const quotes = await get(`/api/v1/market/quotes?symbols=${first}`);
    return daily.body?.data?.bars.length === 250 && minute.body?.data?.bars.length === 1 &&
      ticks.body?.data?.ticks.length === 1 && quotes.body?.data?.quotes.length === 1;
  };
  for (;;) {
    const list = await get('/api/v1/market/symbols?security_type=stock&size=5');
    if (list.status === 200 && list.body.data.length === 5 && await seeded(list.body.data[0].symbol)) {
      symbols = list.body.data.map((row) => row.symbol);
      break;
    }
    if (Date.now() > deadline) throw new Error(`demo data did not appear:\n${server.stderr().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});
after(async () => { assert.equal((await server.stop()).code, 0); });

test('symbols: paginated, filtered, searchable, CSV on Accept', async () => {
  const page = await get('/api/v1/market/symbols?size=10&page=2');
  assert.equal(page.status, 200);
  assert.equal(page.body.data.length, 10);
  assert.equal(page.body.pagination.page, 2);
  assert.equal(page.body.pagination.pages, Math.ceil(page.body.pagination.total / 10));
  const sh = await get('/api/v1/market/symbols?exchange=SH&size=500');
  assert.ok(sh.body.data.length > 0);
  assert.ok(sh.body.data.every((row) => row.exchange === 'SH'));
  const code = symbols[0].slice(0, 4);
  const search = await get(`/api/v1/market/symbols?q=${code}`);
  assert.ok(search.body.data.some((row) => row.symbol === symbols[0]));
  const one = await get(`/api/v1/market/symbols/${symbols[0]}`);
  assert.equal(one.status, 200);
  const byName = await get(`/api/v1/market/symbols?q=${encodeURIComponent(one.body.data.name)}`);
  assert.ok(byName.body.data.some((row) => row.symbol === symbols[0]));
  const csv = await get('/api/v1/market/symbols?size=3', { accept: 'text/csv' });
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.equal(csv.text.trim().split('\r\n').length, 4);
});

test('kline v1: rows, deprecated with a successor link, ETag, plain decimals', async () => {
  const path = `/api/v1/market/kline?symbol=${symbols[0]}&interval=1d&limit=30`;
  const reply = await get(path);
  assert.equal(reply.status, 200);
  assert.equal(reply.body.data.bars.length, 30);
  assert.equal(reply.headers.get('deprecation'), 'true');
  assert.equal(reply.headers.get('link'), '</api/v2/market/kline>; rel="successor-version"');
  assert.doesNotMatch(reply.text, /[:,[]-?[0-9.]+[eE][-+]?[0-9]/);
  const etag = reply.headers.get('etag');
  assert.ok(etag);
  assert.equal((await get(path, { 'if-none-match': etag })).status, 304);
  for (const interval of ['1m', '5m', '15m', '30m', '60m', '1w', '1M']) {
    const bars = await get(`/api/v1/market/kline?symbol=${symbols[0]}&interval=${interval}&limit=5`);
    assert.equal(bars.status, 200, `${interval}: ${bars.text}`);
    assert.ok(bars.body.data.bars.length > 0, interval);
  }
  const qfq = await get(`/api/v1/market/kline?symbol=${symbols[0]}&limit=5&adjust=qfq`);
  assert.equal(qfq.status, 200);
});

test('kline v2: columns as arrays, CSV by format or Accept', async () => {
  const query = `?symbol=${symbols[0]}&interval=1d&limit=20`;
  const columns = await get(`/api/v2/market/kline${query}`);
  assert.equal(columns.status, 200);
  assert.deepEqual(columns.body.data.columns, ['ts', 'open', 'high', 'low', 'close', 'volume', 'amount', 'final']);
  assert.ok(columns.body.data.data.final.every((flag) => flag === true), 'past sessions are final');
  for (const name of columns.body.data.columns) assert.equal(columns.body.data.data[name].length, 20);
  assert.equal(columns.headers.get('deprecation'), null);
  const csv = await get(`/api/v2/market/kline${query}&format=csv`);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'ts,open,high,low,close,volume,amount,final');
  assert.equal(lines.length, 21);
  assert.equal(Number(lines[1].split(',')[4]), columns.body.data.data.close[0]);
  assert.equal((await get(`/api/v2/market/kline${query}`, { accept: 'text/csv' })).text, csv.text);
});

test('ticks, quotes, depth, fund flow, calendar, constituents, overview', async () => {
  const ticks = await get(`/api/v1/market/ticks?symbol=${symbols[0]}&limit=10`);
  assert.equal(ticks.status, 200, ticks.text);
  assert.equal(ticks.body.data.ticks.length, 10);
  const ticksCsv = await get(`/api/v1/market/ticks?symbol=${symbols[0]}&limit=10`, { accept: 'text/csv' });
  assert.equal(ticksCsv.text.trim().split('\r\n').length, 11);
  const quotes = await get(`/api/v1/market/quotes?symbols=${symbols.join(',')}`);
  assert.equal(quotes.status, 200);
  assert.equal(quotes.body.data.quotes.length + quotes.body.data.missing.length, symbols.length);
  assert.ok(quotes.body.data.quotes.length > 0);
  const depth = await get(`/api/v1/market/depth?symbol=${symbols[0]}`, trader);
  assert.equal(depth.status, 200, depth.text);
  const flow = await get(`/api/v1/market/fund-flow?symbol=${symbols[0]}&limit=5`);
  assert.equal(flow.status, 200, flow.text);
  const calendar = await get('/api/v1/market/calendar?exchange=SH&open_only=true');
  assert.equal(calendar.status, 200);
  assert.ok(calendar.body.data.length > 200, 'a year has over 200 trading days');
  const constituents = await get('/api/v1/market/indices/000300.SH/constituents');
  assert.ok([200, 404].includes(constituents.status), constituents.text);
  const overview = await get('/api/v1/market/overview');
  assert.equal(overview.status, 200, overview.text);
  const o = overview.body.data;
  assert.equal(o.advancers + o.decliners + o.unchanged, o.stocks);
  assert.ok(o.total_amount > 0);
});

test('quotes: indices from index_quote beside securities in one answer', async () => {
  // The demo's live feed, which starts once the seed is complete, stores index snapshots at
  // every mark; wait for the first.
  await waitReady(server.base, 300000);
  const list = `000300.SH,${symbols[0]},399001.SZ,000999.SH`;
  const deadline = Date.now() + 30000;
  let reply;
  for (;;) {
    reply = await get(`/api/v1/market/quotes?symbols=${list}`);
    assert.equal(reply.status, 200, reply.text);
    if (reply.body.data.quotes.some((quote) => quote.symbol === '000300.SH')) break;
    if (Date.now() > deadline) throw new Error(`no index quote within 30 s: ${reply.text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const bySymbol = Object.fromEntries(reply.body.data.quotes.map((quote) => [quote.symbol, quote]));
  for (const index of ['000300.SH', '399001.SZ']) {
    assert.equal(bySymbol[index]?.source, 'index_quote', reply.text);
    assert.ok(bySymbol[index].last > 0 && Number.isInteger(bySymbol[index].ts), reply.text);
  }
  assert.ok(['realtime_quote', 'tick'].includes(bySymbol[symbols[0]]?.source), reply.text);
  assert.deepEqual(reply.body.data.missing, ['000999.SH']);
  const doc = (await get('/api/openapi.json')).body;
  const row = doc.paths['/api/v1/market/quotes'].get.responses['200'].content['application/json'];
  assert.match(JSON.stringify(row), /"enum":\["realtime_quote","tick","index_quote"\]/);
});

const badInputs = [
  ['/api/v1/market/symbols?size=501', 'size'],
  ['/api/v1/market/symbols?exchange=NY', 'exchange'],
  ['/api/v1/market/symbols/ABC', 'symbol'],
  ['/api/v1/market/kline?symbol=12345', 'symbol'],
  ['/api/v1/market/kline?symbol=600519.SH&interval=2h', 'interval'],
  ['/api/v1/market/kline?symbol=600519.SH&adjust=forward', 'adjust'],
  ['/api/v1/market/kline?symbol=600519.SH&start=2026-03-02&end=2026-03-01', 'start'],
  ['/api/v1/market/kline?symbol=600519.SH&interval=1m&start=2026-01-01&end=2026-03-01', 'end'],
  ['/api/v1/market/kline?symbol=600519.SH&limit=5001', 'limit'],
  ['/api/v2/market/kline?symbol=600519.SH&format=xml', 'format'],
  ['/api/v1/market/ticks?symbol=600519.SH&start=2026-11-01&end=2026-11-24', 'end'],
  ['/api/v1/market/quotes?symbols=600519.SH,bad', 'symbols[1]'],
  ['/api/v1/market/depth?symbol=600519.SH&start=2026-11-20&end=2026-11-24', 'end'],
  ['/api/v1/market/fund-flow?symbol=600519.SH&start=yesterday', 'start'],
  ['/api/v1/market/calendar?exchange=HK', 'exchange'],
  ['/api/v1/market/indices/000300.XX/constituents', 'symbol'],
  ['/api/v1/market/overview?date=2026-02-30', 'date'],
  ['/api/v1/market/kline?symbol=600519.SH&colour=red', 'colour'],
];

test('bad inputs: 400 with the field named', async () => {
  for (const [path, field] of badInputs) {
    const reply = await get(path, path.startsWith('/api/v1/market/depth') ? trader : {});
    assert.equal(reply.status, 400, `${path}: ${reply.text}`);
    assert.ok(reply.body.errors.some((error) => error.field === field), `${path} names ${field}: ${reply.text}`);
  }
});

test('unknown symbols: 404 NOT_FOUND naming the symbol', async () => {
  for (const path of ['/api/v1/market/symbols/999999.SH', '/api/v1/market/kline?symbol=999999.SH',
    '/api/v1/market/ticks?symbol=999999.SH', '/api/v2/market/kline?symbol=999999.SH']) {
    const reply = await get(path);
    assert.equal(reply.status, 404, `${path}: ${reply.text}`);
    assert.deepEqual(reply.body.errors.map((error) => [error.field, error.code]), [['symbol', 'NOT_FOUND']]);
  }
});

test('OpenAPI lists every market route with its CSV alternative', async () => {
  const doc = (await get('/api/openapi.json')).body;
  for (const path of ['/api/v1/market/symbols', '/api/v1/market/symbols/{symbol}', '/api/v1/market/kline',
    '/api/v2/market/kline', '/api/v1/market/ticks', '/api/v1/market/quotes', '/api/v1/market/depth',
    '/api/v1/market/fund-flow', '/api/v1/market/calendar', '/api/v1/market/indices/{symbol}/constituents',
    '/api/v1/market/overview']) {
    assert.ok(doc.paths[path]?.get, `${path} in OpenAPI`);
  }
  assert.equal(doc.paths['/api/v1/market/kline'].get.deprecated, true);
  assert.ok(doc.paths['/api/v2/market/kline'].get.responses['200'].content['text/csv']);
});

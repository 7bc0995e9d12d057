// End-to-end: GET /api/v2/market/snapshot on the real binary with the small demo data set: the
// daily cross-section (newest date by default, equal to each symbol's own newest K-line), the
// latest quotes, the symbols / board / exchange filters, CSV (format=csv and Accept), refusals
// naming their field, and the route in OpenAPI. Market data is public: no sign-in needed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from './lib/server.mjs';

let server;

async function get(path, headers = {}) {
  const response = await fetch(`${server.base}${path}`, { headers });
  const text = await response.text();
  let body = null;
  if ((response.headers.get('content-type') ?? '').startsWith('application/json')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, body };
}

// The snapshot's rows as objects, checking the columnar invariants on the way.
function rowsOf(data) {
  assert.deepEqual(Object.keys(data.data), data.columns);
  for (const column of data.columns) assert.equal(data.data[column].length, data.count, column);
  const symbols = data.data.symbol;
  assert.deepEqual([...symbols].sort(), symbols, 'ascending by symbol');
  return symbols.map((_, row) => Object.fromEntries(data.columns.map((c) => [c, data.data[c][row]])));
}

before(async () => {
  server = await startDemo();
  // Quotes come from the live feed, which starts with the demo: wait for the first ones.
  const deadline = Date.now() + 60000;
  while ((await get('/api/v2/market/snapshot')).body?.data?.count === 0) {
    if (Date.now() > deadline) throw new Error('no realtime quotes appeared');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});
after(async () => { assert.equal((await server.stop()).code, 0); });

test('daily: every symbol on the newest date, equal to its own K-line', async () => {
  const daily = await get('/api/v2/market/snapshot?kind=daily');
  assert.equal(daily.status, 200);
  const data = daily.body.data;
  assert.equal(data.kind, 'daily');
  assert.match(data.date, /^\d{4}-\d{2}-\d{2}$/);
  assert.deepEqual(data.columns, ['symbol', 'trade_date', 'open', 'high', 'low', 'close', 'pre_close',
    'change', 'pct_change', 'volume', 'amount', 'turnover_rate', 'final']);
  const rows = rowsOf(data);
  assert.ok(rows.length >= 10, `only ${rows.length} rows`);
  assert.ok(rows.every((row) => row.trade_date === data.date));
  for (const row of rows.slice(0, 3)) {
    const kline = await get(`/api/v2/market/kline?symbol=${row.symbol}&start=${data.date}&end=${data.date}`);
    assert.equal(kline.status, 200);
    for (const column of ['open', 'high', 'low', 'close', 'volume', 'amount']) {
      assert.deepEqual(kline.body.data.data[column], [row[column]], `${row.symbol} ${column}`);
    }
  }
  // An earlier date answers that date's bars.
  const first = rows[0].symbol;
  const bars = await get(`/api/v2/market/kline?symbol=${first}&limit=5`);
  const earlierTs = bars.body.data.data.ts[0];
  const earlier = await get(`/api/v2/market/snapshot?kind=daily&date=${earlierTs}`);
  assert.equal(earlier.status, 200);
  const earlierRow = rowsOf(earlier.body.data).find((row) => row.symbol === first);
  assert.equal(earlierRow.close, bars.body.data.data.close[0]);
  assert.notEqual(earlier.body.data.date, data.date);
});

test('quote: the latest quote of each security', async () => {
  const quotes = await get('/api/v2/market/snapshot?kind=quote');
  assert.equal(quotes.status, 200);
  const data = quotes.body.data;
  assert.equal(data.kind, 'quote');
  assert.equal(data.date, null);
  assert.equal(data.columns[0], 'symbol');
  assert.ok(data.columns.includes('last') && data.columns.includes('bid1_price'));
  const rows = rowsOf(data);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((row) => Number.isInteger(row.ts) && typeof row.last === 'number'));
  // The same newest row the quotes route answers (the feed may move on between the two reads).
  const one = await get(`/api/v1/market/quotes?symbols=${rows[0].symbol}`);
  assert.ok(one.body.data.quotes[0].ts >= rows[0].ts);
});

test('filters: symbols (unknown ones missing), board, exchange', async () => {
  const all = rowsOf((await get('/api/v2/market/snapshot?kind=daily')).body.data);
  const picked = [all[1].symbol, all[0].symbol];
  const listed = await get(`/api/v2/market/snapshot?kind=daily&symbols=${picked.join(',')},600036`);
  assert.equal(listed.status, 200);
  // 600036.SH (招商银行) is in the demo universe; the test holds either way.
  const known = all.some((row) => row.symbol === '600036.SH');
  const expected = [all[0].symbol, all[1].symbol, ...(known ? ['600036.SH'] : [])].sort();
  assert.deepEqual(listed.body.data.data.symbol, expected);
  assert.deepEqual(listed.body.data.missing, known ? [] : ['600036.SH']);

  const sz = rowsOf((await get('/api/v2/market/snapshot?kind=daily&exchange=SZ')).body.data);
  assert.deepEqual(sz.map((row) => row.symbol), all.filter((row) => row.symbol.endsWith('.SZ')).map((row) => row.symbol));

  const master = await get('/api/v1/market/symbols?board=main&size=500');
  const mainBoard = new Set(master.body.data.map((row) => row.symbol));
  const main = rowsOf((await get('/api/v2/market/snapshot?kind=daily&board=main')).body.data);
  assert.ok(main.length > 0);
  assert.deepEqual(main.map((row) => row.symbol), all.filter((row) => mainBoard.has(row.symbol)).map((row) => row.symbol));
});

test('CSV by format=csv and by Accept: one line per symbol', async () => {
  const json = await get('/api/v2/market/snapshot?kind=daily&exchange=SH');
  for (const [path, headers] of [['/api/v2/market/snapshot?kind=daily&exchange=SH&format=csv', {}],
    ['/api/v2/market/snapshot?kind=daily&exchange=SH', { accept: 'text/csv' }]]) {
    const csv = await get(path, headers);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines[0], json.body.data.columns.join(','));
    assert.equal(lines.length, json.body.data.count + 1);
    assert.equal(lines[1].split(',')[0], json.body.data.data.symbol[0]);
  }
});

test('bad input: 400 or 404 naming the field', async () => {
  for (const [query, field] of [['kind=weekly', 'kind'], ['board=growth', 'board'], ['exchange=HK', 'exchange'],
    ['symbols=600519,xyz', 'symbols[1]'], ['kind=daily&date=yesterday', 'date'], ['format=xml', 'format']]) {
    const answer = await get(`/api/v2/market/snapshot?${query}`);
    assert.equal(answer.status, 400, query);
    assert.equal(answer.body.errors[0].field, field, query);
  }
  const weekend = await get('/api/v2/market/snapshot?kind=daily&date=2020-01-04');
  assert.equal(weekend.status, 404);
  assert.equal(weekend.body.errors[0].field, 'date');
  assert.match(weekend.body.message, /2020-01-04/);
});

test('documented in OpenAPI with its parameters and the CSV alternative', async () => {
  const doc = (await get('/api/openapi.json')).body;
  const operation = doc.paths['/api/v2/market/snapshot'].get;
  assert.deepEqual(operation.parameters.map((p) => p.name).sort(),
    ['board', 'date', 'exchange', 'format', 'kind', 'symbols']);
  assert.ok(JSON.stringify(operation.responses['200']).includes('text/csv'));
});

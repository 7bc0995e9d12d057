// End-to-end: the indicator, watchlist, paper-order and data routes on the real binary with the
// small demo data set (`mystocks demo`: simulator symbols, daily and 1m bars), once seeded. Stocks are discovered
// through GET /api/v1/market/symbols; previous closes through MA(1) of the daily bars before
// today, i.e. the indicator route itself. Watchlists and the data routes are used as a viewer,
// orders as the demo's trader `demo`; a second user's token shows that owned data is private.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoPassword, login, startDemo } from './lib/server.mjs';

let server;
const stocks = {};  // board -> a listed, non-ST stock
const as = {};  // account -> {token, refresh, headers}
before(async () => {
  server = await startDemo({ users: { viewer: 'viewer', trader2: 'trader' } });
  as.viewer = await login(server.base, 'viewer');
  as.trader2 = await login(server.base, 'trader2');
  as.demo = await login(server.base, 'demo', demoPassword);
  for (let page = 1; page <= 10 && Object.keys(stocks).length < 4; ++page) {
    const response = await fetch(`${server.base}/api/v1/market/symbols?page=${page}&size=100`);
    const text = await response.text();  // read once: the message would consume the body
    assert.equal(response.status, 200, `symbol discovery needs GET /api/v1/market/symbols: ${text}`);
    const body = JSON.parse(text);
    const rows = Array.isArray(body.data) ? body.data : body.data.items;
    if (rows.length === 0) break;
    for (const row of rows) {
      const st = row.is_st === true || /ST/.test(row.name ?? '');
      if ((row.security_type ?? 'stock') === 'stock' && !st && row.board && !stocks[row.board]) {
        stocks[row.board] = row.symbol;
      }
    }
  }
  assert.ok(stocks.main, `no main-board stock found: ${JSON.stringify(stocks)}`);
});
after(async () => { assert.equal((await server.stop()).code, 0); });

// `user` is a login() result (its bearer token) or undefined for an anonymous call.
async function call(method, path, body, user) {
  const headers = { 'content-type': 'application/json', ...user?.headers };
  const response = await fetch(`${server.base}${path}`, {
    method, headers, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  return { status: response.status, body: await response.json() };
}
const get = (path, user) => call('GET', path, undefined, user);
const post = (path, body, user) => call('POST', path, body ?? '', user);

function shanghaiToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// The close of the last daily bar before today, in cents.
async function previousCloseCents(symbol) {
  const reply = await get(`/api/v1/indicators/ma?symbol=${symbol}&n=1&limit=1&end=${shanghaiToday()}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.equal(reply.body.data.bars, 1);
  return Math.round(reply.body.data.values.ma[0] * 100);
}
const yuan = (cents) => (cents / 100).toFixed(2);

test('indicators: registry, one computation, batch with per-item errors, bad input', async () => {
  const registry = await get('/api/v1/indicators');
  assert.equal(registry.status, 200);
  const macd = registry.body.data.find((entry) => entry.name === 'macd');
  assert.deepEqual(macd.params.map((p) => p.name), ['fast', 'slow', 'signal']);
  assert.deepEqual(macd.outputs, ['dif', 'dea', 'hist']);

  const symbol = stocks.main;
  const one = await get(`/api/v1/indicators/macd?symbol=${symbol}&limit=30&convention=china_broker`);
  assert.equal(one.status, 200, JSON.stringify(one.body));
  assert.equal(one.body.data.bars, 30);
  assert.equal(one.body.data.time.length, 30);
  assert.equal(one.body.data.values.hist.length, 30);
  assert.ok(one.body.data.values.dif.every((v) => typeof v === 'number'), 'warmed up after 2 years of bars');
  const minute = await get(`/api/v1/indicators/rsi?symbol=${symbol}&interval=5m&limit=48`);
  assert.equal(minute.status, 200, JSON.stringify(minute.body));
  assert.equal(minute.body.data.bars, 48);

  const batch = await post('/api/v1/indicators/batch', {
    items: [{ indicator: 'kdj', symbols: [symbol, '689999.SH'], limit: 5 }, { indicator: 'nope', symbol }],
  });
  assert.equal(batch.status, 200);
  assert.deepEqual(batch.body.data.results.map((r) => r.success), [true, false, false]);
  assert.equal(batch.body.data.results[1].error.field, 'symbol');
  assert.equal(batch.body.data.results[2].error.field, 'name');

  for (const [path, status, field] of [
    [`/api/v1/indicators/nope?symbol=${symbol}`, 404, 'name'],
    [`/api/v1/indicators/ma?symbol=${symbol}&n=0`, 400, 'n'],
    [`/api/v1/indicators/ma?symbol=${symbol}&interval=2h`, 400, 'interval'],
    [`/api/v1/indicators/ma?symbol=BAD`, 400, 'symbol'],
    [`/api/v1/indicators/ma?symbol=${symbol}&start=2026-02-01&end=2026-01-01`, 400, 'start'],
  ]) {
    const reply = await get(path);
    assert.equal(reply.status, status, `${path}: ${JSON.stringify(reply.body)}`);
    assert.equal(reply.body.errors[0].field, field, path);
  }
  const malformed = await post('/api/v1/indicators/batch', '{"items":[');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.errors[0].field, 'body');
});

test('watchlists: create, add, remove, rename, conflicts, delete', async () => {
  const user = as.viewer;
  const [a, b] = [stocks.main, stocks.chinext ?? stocks.star ?? stocks.main];
  const created = await post('/api/v1/watchlists', { name: 'core', symbols: [a] }, user);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = created.body.data.id;
  assert.deepEqual(created.body.data.symbols.map((s) => s.symbol), [a]);

  const duplicate = await post('/api/v1/watchlists', { name: 'core' }, user);
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.body.errors[0].field, 'name');
  const unknown = await post('/api/v1/watchlists', { name: 'x', symbols: [a, '689999.SH'] }, user);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.errors[0].field, 'symbols[1]');

  if (b !== a) {
    const added = await post(`/api/v1/watchlists/${id}/symbols`, { symbols: [b] }, user);
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.deepEqual(added.body.data.symbols.map((s) => s.symbol), [a, b]);
    const again = await post(`/api/v1/watchlists/${id}/symbols`, { symbols: [b] }, user);
    assert.equal(again.status, 409);
  }
  const removed = await call('DELETE', `/api/v1/watchlists/${id}/symbols/${a}`, undefined, user);
  assert.equal(removed.status, 200);
  assert.ok(!removed.body.data.symbols.some((s) => s.symbol === a));
  const renamed = await call('PUT', `/api/v1/watchlists/${id}`, { name: 'renamed' }, user);
  assert.equal(renamed.body.data.name, 'renamed');
  assert.equal((await get(`/api/v1/watchlists/${id}`, as.trader2)).status, 404, 'another user\'s list');
  assert.equal((await get('/api/v1/watchlists', as.trader2)).body.data.length, 0);
  assert.equal((await get('/api/v1/watchlists', user)).body.data.length, 1);
  assert.equal((await call('DELETE', `/api/v1/watchlists/${id}`, undefined, user)).status, 200);
  assert.equal((await get(`/api/v1/watchlists/${id}`, user)).status, 404);
});

test('paper orders: rules named on rejection, then place, list, get, cancel, 409', async () => {
  const user = as.demo;
  const symbol = stocks.main;
  const close = await previousCloseCents(symbol);
  const band = { up: Math.floor((close * 110 + 50) / 100), down: Math.floor((close * 90 + 50) / 100) };
  const order = (fields) => post('/api/v1/orders', { symbol, side: 'buy', type: 'limit', quantity: 100, price: yuan(close), ...fields }, user);

  for (const [fields, field, rule] of [
    [{ quantity: 150 }, 'quantity', 'lot_size'],
    [{ price: yuan(band.up + 1) }, 'price', 'price_limit'],
    [{ price: (close / 100 + 0.005).toFixed(3) }, 'price', 'tick_size'],
    [{ symbol: '689999.SH', quantity: 200 }, 'symbol', 'known_symbol'],
    [{ side: 'hold' }, 'side', null],
  ]) {
    const reply = await order(fields);
    assert.equal(reply.status, 400, `${JSON.stringify(fields)}: ${JSON.stringify(reply.body)}`);
    assert.equal(reply.body.errors[0].field, field);
    if (rule) assert.match(reply.body.message, new RegExp(`rule ${rule}`));
  }

  // At the limit-down price the order stays working (the demo's feed is unlikely to fall 10 %).
  const placed = await order({ price: yuan(band.down), client_order_id: 'e2e-1' });
  assert.equal(placed.status, 200, JSON.stringify(placed.body));
  assert.equal(placed.body.data.status, 'new');
  const id = placed.body.data.order_id;
  const replay = await order({ price: yuan(band.down), client_order_id: 'e2e-1' });
  assert.equal(replay.body.data.order_id, id, 'client_order_id is an idempotency key');
  const changed = await order({ price: yuan(band.down), quantity: 200, client_order_id: 'e2e-1' });
  assert.equal(changed.status, 409, JSON.stringify(changed.body));
  assert.equal(changed.body.errors[0].field, 'client_order_id');
  assert.match(changed.body.message, /differs in quantity/);
  const naked = await order({ side: 'sell', type: 'market', price: undefined });
  assert.equal(naked.status, 409, 'no short selling');
  assert.match(naked.body.message, /no_short_selling/);
  const fine = await order({ price: 26.1234 });
  assert.match(fine.body.message, /price 26\.1234 /, 'the message quotes the price as sent');

  const list = await get('/api/v1/orders?size=1', user);
  assert.equal(list.status, 200);
  assert.equal(list.body.pagination.total, 1);
  assert.equal(list.body.data.length, 1);
  assert.equal((await get(`/api/v1/orders?end=${shanghaiToday()}`, user)).body.pagination.total, 1,
    'a date end covers its whole day');
  assert.equal((await get(`/api/v1/orders?side=buy`, user)).body.data[0].order_id, id);
  assert.equal((await get(`/api/v1/orders/${id}`, user)).body.data.price, Number(yuan(band.down)));
  assert.equal((await get(`/api/v1/orders/${id}`, as.trader2)).status, 404, 'another user\'s order');
  assert.equal((await post(`/api/v1/orders/${id}/cancel`, undefined, as.trader2)).status, 404);
  assert.equal((await get('/api/v1/orders', as.trader2)).body.pagination.total, 0);

  const cancelled = await post(`/api/v1/orders/${id}/cancel`, undefined, user);
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  assert.equal(cancelled.body.data.status, 'cancelled');
  const again = await post(`/api/v1/orders/${id}/cancel`, undefined, user);
  assert.equal(again.status, 409);
  assert.equal(again.body.errors[0].field, 'status');
});

const cents = (yuanValue) => Math.round(yuanValue * 100);

test('paper fills: a market buy fills from the live feed; trades, positions, account agree', async () => {
  const user = as.trader2;
  const symbol = stocks.main;
  const before = await get('/api/v1/account', user);
  assert.equal(before.status, 200, JSON.stringify(before.body));
  const initial = cents(before.body.data.initial_capital);
  assert.equal(cents(before.body.data.cash), initial);

  const placed = await post('/api/v1/orders', { symbol, side: 'buy', type: 'market', quantity: 200 }, user);
  assert.equal(placed.status, 200, JSON.stringify(placed.body));
  const id = placed.body.data.order_id;
  let order;
  for (let attempt = 0; attempt < 100; ++attempt) {
    order = (await get(`/api/v1/orders/${id}`, user)).body.data;
    if (order.status === 'filled') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(order.status, 'filled', `the live feed never filled ${JSON.stringify(order)}`);
  assert.equal(order.filled_quantity, 200);

  const trades = await get(`/api/v1/trades?order_id=${id}&end=${shanghaiToday()}`, user);
  assert.equal(trades.status, 200, JSON.stringify(trades.body));
  assert.equal(trades.body.data.length, 1);
  const trade = trades.body.data[0];
  assert.equal(trade.quantity, 200);
  assert.equal(cents(trade.amount), Math.round(trade.price * 1000 * 200 / 10));
  assert.equal(trade.stamp_tax, 0, 'buys pay no stamp duty');
  assert.ok(trade.commission >= 5, 'the commission minimum applies');

  const positions = await get('/api/v1/positions', user);
  const position = positions.body.data.find((row) => row.symbol === symbol);
  assert.equal(position.quantity, 200);
  assert.equal(position.available_quantity, 0, 'T+1: bought today, sellable tomorrow');
  assert.equal(position.last_price, trade.price);

  const account = (await get('/api/v1/account', user)).body.data;
  const fees = cents(trade.commission) + cents(trade.stamp_tax) + cents(trade.transfer_fee);
  assert.equal(cents(account.cash), initial - cents(trade.amount) - fees);
  assert.equal(cents(account.market_value), cents(trade.amount));
  assert.equal(cents(account.cash) + cents(account.market_value) + cents(account.total_fees), initial,
    'cash + market value + fees = initial cash at the fill price');
  assert.equal(cents(account.frozen_cash), 0);

  const sell = await post('/api/v1/orders', { symbol, side: 'sell', type: 'market', quantity: 200 }, user);
  assert.equal(sell.status, 409, JSON.stringify(sell.body));
  assert.match(sell.body.message, /t_plus_one/);
  assert.equal((await get('/api/v1/trades', as.demo)).body.data.some((row) => row.order_id === id), false,
    'another user never sees these fills');
  assert.equal((await get('/api/v1/positions', as.viewer)).status, 403, 'viewers hold no paper account');
  const admin = await login(server.base, 'admin', demoPassword);
  const status = await get('/api/v1/system/status', admin);
  const paper = status.body.data.components.paper_trading;
  assert.ok(paper.fills >= 1 && paper.quotes > 0 && paper.rounds > 0, JSON.stringify(paper));
});

test('data: every table with its store and size; quality rows paginated', async () => {
  const tables = await get('/api/v1/data/tables', as.viewer);
  assert.equal(tables.status, 200);
  const byName = Object.fromEntries(tables.body.data.map((t) => [t.name, t]));
  assert.equal(byName.daily_kline.store, 'relational');
  assert.ok(byName.daily_kline.rows > 0);
  assert.equal(byName.minute_kline.store, 'timeseries');
  assert.ok(byName.minute_kline.rows > 0);
  // Sizes count flushed segments only: rows still in the memtable (and the WAL) are not in them.
  assert.equal(typeof byName.minute_kline.bytes_on_disk, 'number');
  assert.equal(byName.daily_kline.bytes_on_disk, null);
  assert.match(byName.watchlists.explanation, /relational store/);
  const quality = await get('/api/v1/data/quality?size=10', as.viewer);
  assert.equal(quality.status, 200);
  assert.ok(Array.isArray(quality.body.data));
  assert.equal(quality.body.pagination.size, 10);
  assert.equal((await get('/api/v1/data/quality?status=broken', as.viewer)).status, 400);
});

test('the OpenAPI document lists every trading route', async () => {
  const document = await (await fetch(`${server.base}/api/openapi.json`)).json();
  for (const path of ['/api/v1/indicators', '/api/v1/indicators/{name}', '/api/v1/indicators/batch',
    '/api/v1/watchlists', '/api/v1/watchlists/{id}', '/api/v1/watchlists/{id}/symbols',
    '/api/v1/watchlists/{id}/symbols/{symbol}', '/api/v1/orders', '/api/v1/orders/{id}',
    '/api/v1/orders/{id}/cancel', '/api/v1/trades', '/api/v1/positions', '/api/v1/account',
    '/api/v1/data/tables', '/api/v1/data/quality']) {
    assert.ok(document.paths[path], `${path} is missing from the OpenAPI document`);
  }
});

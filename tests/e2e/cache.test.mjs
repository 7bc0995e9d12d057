// End-to-end: the response cache on `mystocks serve`. A daily K-line answer is served from the
// cache (the hit counter on /metrics rises, the handler's data is identical, each hit has its own
// request id, gzip and 304 work on hits) and changes once an ingest job saves another day of
// daily bars (DataChanged for daily_kline invalidates it). Ingest jobs are submitted as an
// operator; the K-line reads are anonymous.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { login, startServer } from './lib/server.mjs';

async function call(base, method, path, body, headers = {}) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

// Starts `mystocks serve` with an operator account; `server.operator` is its bearer header.
async function startWithOperator(env) {
  const server = await startServer({ env, users: { operator: 'operator' } });
  try {
    server.operator = (await login(server.base, 'operator')).headers;
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function ingest(server, job) {
  const { base, operator } = server;
  const submitted = await call(base, 'POST', '/api/v1/data/jobs', job, operator);
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const { body } = await call(base, 'GET', `/api/v1/data/jobs/${submitted.body.data.id}`, undefined, operator);
    if (body.data.state === 'succeeded') return body.data;
    assert.ok(['queued', 'running'].includes(body.data.state), JSON.stringify(body.data));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${submitted.body.data.id} did not finish in 60 s`);
}

async function metric(base, line) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const found = text.split('\n').find((row) => row.startsWith(line + ' '));
  return found === undefined ? 0 : Number(found.split(' ').pop());
}

// fetch() always decompresses; this returns the raw bytes and headers.
function rawGet(base, path, headers) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('cache: a K-line answer is served from the cache and changes after new daily bars', async (t) => {
  const server = await startWithOperator({ MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false',
    MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '5' });
  t.after(() => server.stop());
  const base = server.base;
  await ingest(server, { dataset: 'symbols', all: true });
  await ingest(server, { dataset: 'daily', all: true, from: '2024-01-02', to: '2024-03-27' });
  const list = await call(base, 'GET', '/api/v1/market/symbols?security_type=stock&size=1');
  const symbol = list.body.data[0].symbol;
  const path = `/api/v1/market/kline?symbol=${symbol}&interval=1d&limit=250`;

  const first = await call(base, 'GET', path, undefined, { 'x-request-id': 'cache-e2e-1' });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const bars = first.body.data.bars;
  assert.ok(bars.length > 50);
  const hitsBefore = await metric(base, 'mystocks_response_cache_hits_total');
  const second = await call(base, 'GET', path, undefined, { 'x-request-id': 'cache-e2e-2' });
  assert.equal(second.status, 200);
  assert.equal(await metric(base, 'mystocks_response_cache_hits_total'), hitsBefore + 1, 'served from the cache');
  assert.deepEqual(second.body.data, first.body.data);
  assert.equal(second.body.request_id, 'cache-e2e-2');
  assert.equal(second.headers.get('x-request-id'), 'cache-e2e-2');
  assert.equal(second.headers.get('etag'), first.headers.get('etag'));
  assert.equal(second.headers.get('deprecation'), 'true', 'route headers are kept with the entry');

  const notModified = await call(base, 'GET', path, undefined, { 'if-none-match': first.headers.get('etag') });
  assert.equal(notModified.status, 304);
  const zipped = await rawGet(base, path, { 'accept-encoding': 'gzip', 'x-request-id': 'cache-e2e-gz' });
  assert.equal(zipped.status, 200);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  const unzipped = JSON.parse(gunzipSync(zipped.body).toString());
  assert.equal(unzipped.request_id, 'cache-e2e-gz');
  assert.deepEqual(unzipped.data, first.body.data);
  assert.equal(await metric(base, 'mystocks_response_cache_hits_total'), hitsBefore + 3);

  // Another trading day of daily bars: DataChanged(daily_kline) makes the entry stale.
  const invalidated = await metric(base, 'mystocks_response_cache_invalidations_total{table="daily_kline"}');
  await ingest(server, { dataset: 'daily', all: true, from: '2024-03-28', to: '2024-03-28' });
  assert.ok(await metric(base, 'mystocks_response_cache_invalidations_total{table="daily_kline"}') > invalidated);
  const after = await call(base, 'GET', path);
  assert.equal(after.status, 200);
  assert.equal(after.body.data.bars.length, bars.length + 1);
  assert.ok(after.body.data.bars.at(-1).ts > bars.at(-1).ts, 'the new day is the newest bar');
  assert.notEqual(after.headers.get('etag'), first.headers.get('etag'));
  assert.ok(await metric(base, 'mystocks_response_cache_misses_total{reason="stale"}') >= 1);

  // Errors are never cached: an unknown symbol stays a 404 and is not counted as a hit.
  const hits = await metric(base, 'mystocks_response_cache_hits_total');
  for (let i = 0; i < 2; i++) {
    const missing = await call(base, 'GET', '/api/v1/market/kline?symbol=688999.SH&interval=1d');
    assert.equal(missing.status, 404);
  }
  assert.equal(await metric(base, 'mystocks_response_cache_hits_total'), hits);
});

test('cache: gateway.cache_enabled=false serves every request from the handler', async (t) => {
  const server = await startWithOperator({ MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false',
    MYSTOCKS_GATEWAY_CACHE_ENABLED: 'false', MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '5' });
  t.after(() => server.stop());
  await ingest(server, { dataset: 'symbols', all: true });
  for (let i = 0; i < 3; i++) {
    assert.equal((await call(server.base, 'GET', '/api/v1/market/symbols?size=2')).status, 200);
  }
  assert.equal(await metric(server.base, 'mystocks_response_cache_hits_total'), 0);
});

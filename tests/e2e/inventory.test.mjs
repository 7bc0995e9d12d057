// End-to-end through the real binary: CSV bars for symbols the securities master does not list
// (registered as inferred, so indicators and watchlists work for them), the series inventory on
// the command line and over REST (filters, paging, CSV, errors), and the ingest job history
// surviving a restart and a kill -9 (POST answers 202 with Location).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { login, runCli, startServer } from './lib/server.mjs';

const quiet = { MYSTOCKS_LOGGING_LEVEL: 'warn' };

// Daily bars: 600519 lacks 2024-01-04 (a gap), 000001 has every trading day of the range.
function writeCsv(root) {
  mkdirSync(path.join(root, 'daily'), { recursive: true });
  const lines = ['symbol,trade_date,open,high,low,close,volume,amount'];
  for (const day of ['2024-01-02', '2024-01-03', '2024-01-05', '2024-01-08']) {
    lines.push(`600519,${day},1700.00,1720.00,1690.00,1710.00,30000,5100000000.00`);
  }
  for (const day of ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08']) {
    lines.push(`000001,${day},9.10,9.30,9.00,9.20,800000,7300000.00`);
  }
  writeFileSync(path.join(root, 'daily', 'bars.csv'), lines.join('\n') + '\n');
}

async function call(base, method, target, { headers = {}, body } = {}) {
  const response = await fetch(base + target, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* CSV */ }
  return { status: response.status, headers: response.headers, body: json, text };
}

async function finished(base, headers, id) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const { body } = await call(base, 'GET', `/api/v1/data/jobs/${id}`, { headers });
    if (['succeeded', 'failed', 'cancelled'].includes(body.data.state)) return body.data;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} did not finish in 60 s`);
}

test('CSV bars for unknown symbols: registered as inferred, inventory shows source and gaps', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-inventory-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const csvDir = path.join(dir, 'import');
  writeCsv(csvDir);
  const env = { ...quiet, MYSTOCKS_SOURCES_INSTANCES: 'csv', MYSTOCKS_SOURCES_PRIORITY: 'csv',
                MYSTOCKS_SOURCES_CSV_DIR: csvDir };
  const imported = await runCli(['ingest', '--source', 'csv', '--dataset', 'daily', '--symbols',
    '600519,000001', '--from', '2024-01-02', '--to', '2024-01-08', '--data-dir', dir], { env });
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  assert.match(imported.stdout, /note: registered 2 symbol\(s\) not in the securities master as incomplete \(symbols\.inferred = true, name empty\): 000001\.SZ, 600519\.SH; import the symbols dataset/);

  const listed = await runCli(['data', 'inventory', '--table', 'daily_kline', '--data-dir', dir], { env });
  assert.equal(listed.code, 0, listed.stderr);
  const line = (symbol) => listed.stdout.split('\n').find((row) => row.includes(symbol)) ?? '';
  // Relational tables keep no write time ("-") and report the gap count (dates: tsdb only).
  assert.match(line('600519.SH'), /daily_kline\s+600519\.SH\s+-\s+4\s+2024-01-02\s+2024-01-08\s+-\s+csv\s+1$/);
  assert.match(line('000001.SZ'), /\s5\s+2024-01-02\s+2024-01-08\s.*csv\s+0$/);
  assert.match(listed.stderr, /2 series in 1 table\(s\), trading days from the built-in calendar, answered in [\d.]+ ms \([\d.]+ ms CPU\)/);

  const csv = await runCli(['data', 'inventory', '--table', 'daily_kline', '--has-gaps', 'true',
    '--csv', '--data-dir', dir], { env });
  assert.equal(csv.code, 0, csv.stderr);
  const rows = csv.stdout.trim().split('\n');
  assert.equal(rows[0], 'table,store,symbol,series,rows,first_date,last_date,first,last,last_write,source,missing_trading_days');
  assert.equal(rows.length, 2, csv.stdout);
  assert.match(rows[1], /^daily_kline,relational,600519\.SH,,4,2024-01-02,2024-01-08,\d+,\d+,,csv,1$/);

  const noSeries = await runCli(['data', 'inventory', '--table', 'users', '--data-dir', dir], { env });
  assert.equal(noSeries.code, 2);
  assert.match(noSeries.stderr, /table 'users' holds no series/);
  const badSymbol = await runCli(['data', 'inventory', '--symbols', 'AAPL', '--data-dir', dir], { env });
  assert.equal(badSymbol.code, 2);
  assert.match(badSymbol.stderr, /--symbols/);
  const noVerb = await runCli(['data', 'frobnicate']);
  assert.equal(noVerb.code, 2);
  assert.match(noVerb.stderr, /unknown data verb 'frobnicate': expected delete or inventory/);

  // The server on the same directory: the inferred symbols work everywhere.
  const server = await startServer({ args: ['--data-dir', dir], env,
                                     users: { viewer: 'viewer', trader: 'trader' } });
  t.after(() => server.stop());
  const viewer = (await login(server.base, 'viewer')).headers;
  const trader = (await login(server.base, 'trader')).headers;
  const ma = await call(server.base, 'GET',
    '/api/v1/indicators/ma?symbol=600519.SH&n=2&start=2024-01-01&end=2024-01-09', { headers: viewer });
  assert.equal(ma.status, 200, ma.text);
  const watchlist = await call(server.base, 'POST', '/api/v1/watchlists',
    { headers: trader, body: { name: 'imported', symbols: ['600519.SH', '000001.SZ'] } });
  assert.equal(watchlist.status, 200, watchlist.text);

  const all = await call(server.base, 'GET', '/api/v1/data/inventory?table=daily_kline', { headers: viewer });
  assert.equal(all.status, 200, all.text);
  assert.equal(all.body.data.calendar, 'built-in');
  assert.deepEqual(all.body.data.tables, ['daily_kline']);
  assert.deepEqual(all.body.pagination, { page: 1, size: 100, total: 2, pages: 1 });
  const moutai = all.body.data.series.find((row) => row.symbol === '600519.SH');
  assert.equal(moutai.rows, 4);
  assert.equal(moutai.first_date, '2024-01-02');
  assert.equal(moutai.last_date, '2024-01-08');
  assert.equal(moutai.source, 'csv');
  assert.equal(moutai.missing_trading_days, 1);
  assert.equal(moutai.store, 'relational');

  const gaps = await call(server.base, 'GET', '/api/v1/data/inventory?has_gaps=false&symbols=000001,600519',
    { headers: viewer });
  assert.deepEqual(gaps.body.data.series.map((row) => row.symbol), ['000001.SZ']);
  const paged = await call(server.base, 'GET', '/api/v1/data/inventory?table=daily_kline&size=1&page=2',
    { headers: viewer });
  assert.equal(paged.body.data.series.length, 1);
  assert.deepEqual(paged.body.pagination, { page: 2, size: 1, total: 2, pages: 2 });
  const asCsv = await call(server.base, 'GET', '/api/v1/data/inventory?table=daily_kline',
    { headers: { ...viewer, accept: 'text/csv' } });
  assert.equal(asCsv.status, 200);
  assert.match(asCsv.headers.get('content-type'), /^text\/csv/);
  assert.equal(asCsv.text.trim().split('\n').length, 3, asCsv.text);
  const formatCsv = await call(server.base, 'GET', '/api/v1/data/inventory?table=daily_kline&format=csv',
    { headers: viewer });
  assert.equal(formatCsv.text, asCsv.text);

  const unknown = await call(server.base, 'GET', '/api/v1/data/inventory?table=weekly', { headers: viewer });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.errors[0].field, 'table');
  const badGaps = await call(server.base, 'GET', '/api/v1/data/inventory?has_gaps=maybe', { headers: viewer });
  assert.equal(badGaps.status, 400);
  assert.equal((await call(server.base, 'GET', '/api/v1/data/inventory')).status, 401);
});

test('job history survives a restart and a kill -9; POST answers 202 with Location', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-jobs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...quiet, MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '5',
                MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false' };
  let server = await startServer({ args: ['--data-dir', dir], env, users: { operator: 'operator' } });
  let auth = (await login(server.base, 'operator')).headers;
  const job = { dataset: 'daily', all: true, from: '2024-01-02', to: '2024-01-31' };
  const submitted = await call(server.base, 'POST', '/api/v1/data/jobs', { headers: auth, body: job });
  assert.equal(submitted.status, 202, submitted.text);
  const id = submitted.body.data.id;
  assert.equal(submitted.headers.get('location'), `/api/v1/data/jobs/${id}`);
  const done = await finished(server.base, auth, id);
  assert.equal(done.state, 'succeeded', JSON.stringify(done));
  assert.equal(done.registered_symbols.length, 5);  // the master was empty
  assert.match(done.notes[0], /^registered 5 symbol\(s\) not in the securities master as incomplete/);
  await server.stop();

  server = await startServer({ args: ['--data-dir', dir], env });
  auth = (await login(server.base, 'operator')).headers;
  const after = await call(server.base, 'GET', `/api/v1/data/jobs/${id}`, { headers: auth });
  assert.equal(after.status, 200, after.text);
  assert.equal(after.body.data.state, 'succeeded');
  assert.equal(after.body.data.progress.rows_written, done.progress.rows_written);
  const list = await call(server.base, 'GET', '/api/v1/data/jobs', { headers: auth });
  assert.deepEqual(list.body.data.map((each) => each.id), [id]);

  // A long job killed while running comes back failed, saying it was interrupted.
  const long = await call(server.base, 'POST', '/api/v1/data/jobs', { headers: auth,
    body: { dataset: 'minute:1m', all: true, from: '2024-01-02', to: '2024-06-28', chunk_days: 1 } });
  assert.equal(long.status, 202, long.text);
  const longId = long.body.data.id;
  assert.equal(Number(longId.slice(4)), Number(id.slice(4)) + 1, 'ids continue after a restart');
  const deadline = Date.now() + 30000;
  let state = 'queued';
  while (state !== 'running' && Date.now() < deadline) {
    state = (await call(server.base, 'GET', `/api/v1/data/jobs/${longId}`, { headers: auth })).body.data.state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(state, 'running');
  server.child.kill('SIGKILL');
  await server.stop();

  server = await startServer({ args: ['--data-dir', dir], env });
  t.after(() => server.stop());
  auth = (await login(server.base, 'operator')).headers;
  const interrupted = await call(server.base, 'GET', `/api/v1/data/jobs/${longId}`, { headers: auth });
  assert.equal(interrupted.status, 200, interrupted.text);
  assert.equal(interrupted.body.data.state, 'failed');
  assert.equal(interrupted.body.data.error.code, 'ABORTED');
  assert.match(interrupted.body.data.error.message, /interrupted: the process running ingest job .* stopped while it was running/);
  const listed = await call(server.base, 'GET', '/api/v1/data/jobs', { headers: auth });
  assert.deepEqual(listed.body.data.map((each) => each.id), [longId, id]);
});

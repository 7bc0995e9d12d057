// End-to-end: repairing and deleting stored data through the real binary. A CSV with a bad row is
// ingested (the row is rejected); after the file is fixed a plain re-run changes nothing (resume),
// `--replace` / "replace": true stores the fixed row, drops the row the file no longer has and
// leaves rows outside the range alone. DELETE /api/v1/data/{table} counts what it removed, names
// bad parameters, refuses viewers, invalidates a cached K-line answer and is audited;
// `mystocks data delete` does the same from the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { login, runCli, startServer } from './lib/server.mjs';

const header = 'symbol,trade_date,open,high,low,close,volume,amount';
const january = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09',
  '2024-01-10', '2024-01-11', '2024-01-12'];
const february = ['2024-02-01', '2024-02-02'];

// One bar; `broken` makes high lower than open and close (ohlc_consistency rejects it).
function bar(symbol, date, close, broken = false) {
  const high = broken ? close - 5 : close;
  return `${symbol},${date},${close},${high},${close},${close},1000,${close * 1000}`;
}

// A data dir with a csv source whose daily/ file holds `lines`; `write` replaces the file.
function csvSetup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-replace-'));
  const importDir = path.join(dir, 'import');
  mkdirSync(path.join(importDir, 'daily'), { recursive: true });
  const write = (lines) => writeFileSync(path.join(importDir, 'daily', 'bars.csv'), [header, ...lines].join('\n') + '\n');
  const env = { MYSTOCKS_SOURCES_INSTANCES: 'csv', MYSTOCKS_SOURCES_PRIORITY: 'csv',
    MYSTOCKS_SOURCES_CSV_DIR: importDir, MYSTOCKS_LOGGING_LEVEL: 'warn',
    MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false' };
  return { dir, env, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// The file as first delivered: January with 2024-01-04 broken, and two February bars.
const firstFile = (symbol = '600519.SH') => [
  ...january.map((date, index) => bar(symbol, date, 100 + index, date === '2024-01-04')),
  ...february.map((date, index) => bar(symbol, date, 200 + index)),
];
// The corrected file: 2024-01-04 fixed, 2024-01-05 corrected to 999, 2024-01-10 gone.
const fixedFile = (symbol = '600519.SH') => [
  ...january.filter((date) => date !== '2024-01-10')
    .map((date, index) => bar(symbol, date, date === '2024-01-05' ? 999 : 100 + january.indexOf(date))),
  ...february.map((date, index) => bar(symbol, date, 200 + index)),
];

async function call(base, method, urlPath, { headers = {}, body } = {}) {
  const response = await fetch(base + urlPath, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* /metrics is text */ }
  return { status: response.status, headers: response.headers, body: json, text };
}

// date -> close of the stored daily bars of `symbol` in January and February 2024.
async function closes(base, symbol = '600519.SH') {
  const answer = await call(base, 'GET', `/api/v1/market/kline?symbol=${symbol}&interval=1d&start=2024-01-01&end=2024-02-29`);
  assert.equal(answer.status, 200, answer.text);
  const out = {};
  for (const row of answer.body.data.bars) {
    out[new Date(row.ts + 8 * 3600 * 1000).toISOString().slice(0, 10)] = Number(row.close);
  }
  return out;
}

// The rows counts of an ingest summary.
function summary(stdout) {
  const match = /rows: (\d+) fetched, (\d+) written, (\d+) rejected, (\d+) already stored/.exec(stdout);
  assert.ok(match, `no rows line in:\n${stdout}`);
  const replaced = /replaced: (\d+) stored row\(s\) removed/.exec(stdout);
  return { fetched: Number(match[1]), written: Number(match[2]), rejected: Number(match[3]),
    deleted: replaced ? Number(replaced[1]) : null };
}

// What the fixed file should leave stored: the fix in January, February untouched.
function assertRepaired(stored) {
  assert.equal(stored['2024-01-04'], 102, 'the once-rejected row is stored');
  assert.equal(stored['2024-01-05'], 999, 'the corrected row replaced the old one');
  assert.equal(stored['2024-01-10'], undefined, 'the row the file no longer has is gone');
  assert.equal(stored['2024-01-02'], 100);
  assert.equal(stored['2024-02-01'], 200, 'rows outside the range stay');
  assert.equal(stored['2024-02-02'], 201);
  assert.equal(Object.keys(stored).length, 10);
}

test('mystocks ingest --replace repairs a rejected row that a plain re-run never writes', async () => {
  const setup = csvSetup();
  try {
    setup.write(firstFile());
    const ingest = (from, to, ...extra) => runCli(['ingest', '--source', 'csv', '--dataset', 'daily',
      '--symbols', '600519', '--from', from, '--to', to, '--strategy', 'continue', '--data-dir', setup.dir,
      ...extra], { env: setup.env });
    const first = await ingest('2024-01-02', '2024-02-29');
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual({ ...summary(first.stdout), deleted: null }, { fetched: 11, written: 10, rejected: 1, deleted: null });

    setup.write(fixedFile());
    const plain = await ingest('2024-01-02', '2024-01-31');
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
    assert.equal(summary(plain.stdout).written, 0, 'resume: nothing is fetched again');

    const replaced = await ingest('2024-01-02', '2024-01-31', '--replace');
    assert.equal(replaced.code, 0, replaced.stdout + replaced.stderr);
    assert.match(replaced.stdout, /\(continue, replace\): succeeded/);
    const counts = summary(replaced.stdout);
    assert.equal(counts.written, 8);
    assert.equal(counts.deleted, 8, 'the 8 stored January rows were replaced');

    const server = await startServer({ args: ['--data-dir', setup.dir], env: setup.env });
    try {
      assertRepaired(await closes(server.base));
    } finally {
      await server.stop();
    }
    const help = await runCli(['ingest', '--help']);
    assert.match(help.stdout, /--replace/);
  } finally {
    setup.cleanup();
  }
});

// Submits a job as `auth` and waits for its end.
async function runJob(base, auth, job) {
  const submitted = await call(base, 'POST', '/api/v1/data/jobs', { headers: auth, body: job });
  assert.ok([200, 202].includes(submitted.status), submitted.text);
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const { body } = await call(base, 'GET', `/api/v1/data/jobs/${submitted.body.data.id}`, { headers: auth });
    if (['succeeded', 'failed', 'cancelled'].includes(body.data.state)) return body.data;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${submitted.body.data.id} did not finish in 60 s`);
}

test('jobs API: "replace": true repairs what a plain re-run leaves as it is', async (t) => {
  const setup = csvSetup();
  t.after(() => setup.cleanup());
  setup.write(firstFile());
  const server = await startServer({ args: ['--data-dir', setup.dir], env: setup.env, users: { operator: 'operator' } });
  t.after(() => server.stop());
  const auth = (await login(server.base, 'operator')).headers;
  const job = { source: 'csv', dataset: 'daily', symbols: ['600519'], from: '2024-01-02', to: '2024-02-29',
    strategy: 'continue' };
  const first = await runJob(server.base, auth, job);
  assert.equal(first.state, 'succeeded', JSON.stringify(first));
  assert.equal(first.progress.rows_rejected, 1);

  setup.write(fixedFile());
  const january = { ...job, to: '2024-01-31' };
  const plain = await runJob(server.base, auth, january);
  assert.equal(plain.progress.rows_written, 0);
  assert.equal((await closes(server.base))['2024-01-04'], undefined, 'still missing');

  const replaced = await runJob(server.base, auth, { ...january, replace: true });
  assert.equal(replaced.state, 'succeeded', JSON.stringify(replaced));
  assert.equal(replaced.spec.replace, true);
  assert.equal(replaced.progress.rows_written, 8);
  assert.equal(replaced.progress.rows_deleted, 8);
  assertRepaired(await closes(server.base));

  const wrongType = await call(server.base, 'POST', '/api/v1/data/jobs', { headers: auth, body: { ...job, replace: 'yes' } });
  assert.equal(wrongType.status, 400, wrongType.text);
  assert.equal(wrongType.body.errors[0].field, 'replace');
  const undated = await call(server.base, 'POST', '/api/v1/data/jobs',
    { headers: auth, body: { source: 'csv', dataset: 'symbols', replace: true } });
  assert.equal(undated.status, 400, undated.text);
  assert.equal(undated.body.errors[0].field, 'replace');
});

test('DELETE /api/v1/data/{table}: counts, named 400s, 403 for viewers, cache follows, audited', async (t) => {
  const setup = csvSetup();
  t.after(() => setup.cleanup());
  setup.write([...firstFile('600519.SH'), ...firstFile('000001.SZ')].filter((line) => !line.includes('2024-01-04')));
  const server = await startServer({ args: ['--data-dir', setup.dir], env: setup.env,
    users: { viewer: 'viewer', operator: 'operator', admin: 'admin' } });
  t.after(() => server.stop());
  const as = {};
  for (const name of ['viewer', 'operator', 'admin']) as[name] = (await login(server.base, name)).headers;
  const loaded = await runJob(server.base, as.operator, { source: 'csv', dataset: 'daily', symbols: '600519,000001',
    from: '2024-01-02', to: '2024-02-29' });
  assert.equal(loaded.progress.rows_written, 20, JSON.stringify(loaded));

  const before = await closes(server.base);
  assert.equal(Object.keys(before).length, 10);
  await closes(server.base);  // now answered from the cache
  const hits = await call(server.base, 'GET', '/metrics');
  assert.match(hits.text, /mystocks_response_cache_hits_total [1-9]/, 'the K-line answer was cached');

  const target = '/api/v1/data/daily_kline?symbols=600519&start=2024-01-08&end=2024-01-10';
  assert.equal((await call(server.base, 'DELETE', target)).status, 401);
  assert.equal((await call(server.base, 'DELETE', target, { headers: as.viewer })).status, 403);
  const refusals = [
    ['/api/v1/data/daily_kline', 400, 'symbols'],
    ['/api/v1/data/daily_kline?start=yesterday', 400, 'start'],
    ['/api/v1/data/daily_kline?symbols=AAPL', 400, 'symbols[0]'],
    ['/api/v1/data/daily_kline?symbols=600519&start=2024-01-10&end=2024-01-05', 400, 'start'],
    ['/api/v1/data/daily_kline?symbols=600519&all=true', 400, 'all'],
    ['/api/v1/data/daily_kline?all=maybe', 400, 'all'],
    ['/api/v1/data/trade_calendar?symbols=600519', 400, 'symbols'],
    ['/api/v1/data/no_such_table?all=true', 404, 'table'],
    ['/api/v1/data/users?all=true', 409, 'table'],
  ];
  for (const [url, status, field] of refusals) {
    const answer = await call(server.base, 'DELETE', url, { headers: as.operator });
    assert.equal(answer.status, status, `${url}: ${answer.text}`);
    assert.ok(answer.body.errors?.some((error) => error.field === field) || answer.body.message.includes(field),
      `${url} names ${field}: ${answer.text}`);
  }
  assert.equal(Object.keys(await closes(server.base)).length, 10, 'refused deletes removed nothing');

  const deleted = await call(server.base, 'DELETE', target, { headers: as.operator });
  assert.equal(deleted.status, 200, deleted.text);
  assert.deepEqual(deleted.body.data, { table: 'daily_kline', rows_deleted: 3 });
  const after = await closes(server.base);
  assert.deepEqual(Object.keys(after).sort(),
    Object.keys(before).filter((date) => !['2024-01-08', '2024-01-09', '2024-01-10'].includes(date)).sort());
  assert.equal(Object.keys(await closes(server.base, '000001.SZ')).length, 10, 'other symbols stay');
  const again = await call(server.base, 'DELETE', target, { headers: as.operator });
  assert.equal(again.body.data.rows_deleted, 0);

  const audit = await call(server.base, 'GET', '/api/v1/admin/audit?size=1000', { headers: as.admin });
  assert.equal(audit.status, 200, audit.text);
  // The audit row names the route template and, in its detail, the table, symbols and range;
  // the request id ties a row to the delete it records.
  const action = 'DELETE /api/v1/data/{table}';
  assert.ok(audit.body.data.some((row) => row.action === action && row.outcome === 'ok' && row.username === 'operator'
    && row.request_id === deleted.body.request_id && row.http_status === 200
    && row.detail === 'table=daily_kline end=2024-01-10 start=2024-01-08 symbols=600519'), 'the delete is in the audit log');
  assert.ok(audit.body.data.some((row) => row.action === action && row.outcome === 'denied' && row.username === 'viewer'),
    'the refused delete is in the audit log');
});

test('mystocks data delete: usage errors name the flag, deletes count, --all empties the table', async () => {
  const setup = csvSetup();
  try {
    setup.write([...firstFile('600519.SH'), ...firstFile('000001.SZ')].filter((line) => !line.includes('2024-01-04')));
    const ingest = await runCli(['ingest', '--source', 'csv', '--dataset', 'daily', '--symbols', '600519,000001',
      '--from', '2024-01-02', '--to', '2024-02-29', '--data-dir', setup.dir], { env: setup.env });
    assert.equal(ingest.code, 0, ingest.stdout + ingest.stderr);
    const del = (...args) => runCli(['data', 'delete', ...args, '--data-dir', setup.dir], { env: setup.env });
    const usage = [
      [[], 2, /--table is required/],
      [['--table', 'daily_kline'], 2, /--symbols: .*give symbols, tags, a time range or several/],
      [['--table', 'daily_kline', '--all', '--symbols', '600519'], 2, /--all deletes every row/],
      [['--table', 'daily_kline', '--from', '2024-13-01'], 2, /--from/],
      [['--table', 'daily_kline', '--from', '2024-02-01', '--to', '2024-01-01'], 2, /--from .* is after --to/],
      [['--table', 'daily_kline', '--symbols', 'AAPL'], 2, /--symbols: .*AAPL/],
      [['--table', 'no_such_table', '--all'], 2, /--table: .*no_such_table/],
      [['--table', 'users', '--all'], 1, /FAILED_PRECONDITION.*own lifecycle/],
      [['--table'], 2, /option --table needs a value/],
    ];
    for (const [args, code, message] of usage) {
      const result = await del(...args);
      assert.equal(result.code, code, `${args.join(' ')}\n${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    const removed = await del('--table', 'daily_kline', '--symbols', '600519', '--from', '2024-01-08', '--to', '2024-01-10');
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /deleted 3 row\(s\) from daily_kline/);
    assert.match((await del('--table', 'daily_kline', '--symbols', '600519', '--from', '2024-01-08', '--to', '2024-01-10')).stdout,
      /deleted 0 row\(s\)/);

    const server = await startServer({ args: ['--data-dir', setup.dir], env: setup.env });
    try {
      const stored = await closes(server.base);
      assert.equal(Object.keys(stored).length, 7);
      assert.equal(stored['2024-01-09'], undefined);
      assert.equal(Object.keys(await closes(server.base, '000001.SZ')).length, 10);
    } finally {
      await server.stop();
    }
    const all = await del('--table', 'daily_kline', '--all');
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /deleted 17 row\(s\) from daily_kline/);
    const help = await runCli(['data', 'delete', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--table TABLE/);
    assert.match((await runCli(['help'])).stdout, /data delete --table/);
    assert.equal((await runCli(['data', 'erase'])).code, 2);
  } finally {
    setup.cleanup();
  }
});

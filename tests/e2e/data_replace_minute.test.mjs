// End-to-end: minute bars keep one tsdb series per symbol and frequency, and deletes and
// replaces can be narrowed to one frequency (a tombstone matching the tag). Through the real
// binary: `mystocks ingest --dataset minute:5m --replace` replaces the 5m bars and leaves the 1m
// bars alone; `mystocks data delete --tag frequency=5m` and
// `DELETE /api/v1/data/minute_kline?frequency=5m` delete only 5m bars, name bad tags, and the
// audit row names the table, the tag and the range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { login, runCli, startServer } from './lib/server.mjs';

const env = { MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '3', MYSTOCKS_LOGGING_LEVEL: 'warn',
  MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false' };

// "symbol frequency" -> rows, from `mystocks data inventory --table minute_kline`.
async function inventory(dir) {
  const listed = await runCli(['data', 'inventory', '--table', 'minute_kline', '--data-dir', dir], { env });
  assert.equal(listed.code, 0, listed.stderr);
  const out = {};
  for (const line of listed.stdout.split('\n')) {
    const match = /^minute_kline\s+(\S+)\s+frequency=(\d+m)\s+(\d+)\s/.exec(line);
    if (match) out[`${match[1]} ${match[2]}`] = Number(match[3]);
  }
  return out;
}

const total = (rows, frequency) => Object.entries(rows)
  .filter(([key]) => key.endsWith(` ${frequency}`)).reduce((sum, [, count]) => sum + count, 0);
const only = (rows, frequency) => Object.fromEntries(Object.entries(rows).filter(([key]) => key.endsWith(` ${frequency}`)));

async function call(base, method, urlPath, headers = {}) {
  const response = await fetch(base + urlPath, { method, headers });
  const text = await response.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, body, text };
}

test('minute bars: a 5m replace keeps the 1m bars; deletes narrow to one frequency', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-minute-replace-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ingest = (interval, ...extra) => runCli(['ingest', '--dataset', `minute:${interval}`, '--all',
    '--from', '2024-02-26', '--to', '2024-02-27', '--data-dir', dir, ...extra], { env });
  for (const interval of ['1m', '5m']) {
    const loaded = await ingest(interval);
    assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
  }
  const before = await inventory(dir);
  const ones = total(before, '1m');
  const fives = total(before, '5m');
  assert.ok(ones > 400 && fives > 80, JSON.stringify(before));

  const replaced = await ingest('5m', '--replace');
  assert.equal(replaced.code, 0, replaced.stdout + replaced.stderr);
  assert.match(replaced.stdout, /replace\): succeeded/);
  assert.match(replaced.stdout, new RegExp(`replaced: ${fives} stored row\\(s\\) removed`),
    'only the 5m bars were deleted');
  assert.deepEqual(await inventory(dir), before, 'the 5m bars came back and the 1m bars stayed');

  // The command line: a tag narrows the delete; bad tags are usage errors naming the flag.
  const del = (...args) => runCli(['data', 'delete', '--table', 'minute_kline', ...args, '--data-dir', dir], { env });
  const unknownTag = await del('--tag', 'interval=5m', '--from', '2024-02-27');
  assert.equal(unknownTag.code, 2, unknownTag.stderr);
  assert.match(unknownTag.stderr, /--tag interval: .*no tag 'interval'.*accepted: frequency/);
  const noValue = await del('--tag', 'frequency');
  assert.equal(noValue.code, 2, noValue.stderr);
  assert.match(noValue.stderr, /NAME=VALUE/);
  const deleted = await del('--tag', 'frequency=5m', '--from', '2024-02-27', '--to', '2024-02-27');
  assert.equal(deleted.code, 0, deleted.stderr);
  const cliDeleted = Number(/deleted (\d+) row\(s\) from minute_kline/.exec(deleted.stdout)?.[1]);
  const afterCli = await inventory(dir);
  assert.ok(cliDeleted > 0, deleted.stdout);
  assert.equal(total(afterCli, '5m'), fives - cliDeleted);
  assert.deepEqual(only(afterCli, '1m'), only(before, '1m'), '1m bars stay');

  // The REST API: one query parameter per tag, documented in OpenAPI.
  const server = await startServer({ args: ['--data-dir', dir], env, users: { operator: 'operator', admin: 'admin' } });
  t.after(() => server.stop());
  const operator = (await login(server.base, 'operator')).headers;
  const doc = (await call(server.base, 'GET', '/api/openapi.json')).body;
  const params = doc.paths['/api/v1/data/{table}'].delete.parameters.map((param) => param.name);
  assert.ok(params.includes('frequency'), params.join(','));
  for (const [url, field] of [['/api/v1/data/daily_kline?frequency=5m&start=2024-02-26', 'frequency'],
    ['/api/v1/data/minute_kline?exchange=SH&start=2024-02-26', 'exchange']]) {
    const refused = await call(server.base, 'DELETE', url, operator);
    assert.equal(refused.status, 400, `${url}: ${refused.text}`);
    assert.ok(refused.body.errors.some((error) => error.field === field), `${url}: ${refused.text}`);
  }
  const target = '/api/v1/data/minute_kline?frequency=5m&start=2024-02-26&end=2024-02-26';
  const removed = await call(server.base, 'DELETE', target, operator);
  assert.equal(removed.status, 200, removed.text);
  assert.equal(removed.body.data.rows_deleted, fives - cliDeleted, 'the rest of the 5m bars');
  await server.stop();
  const afterApi = await inventory(dir);
  assert.equal(total(afterApi, '5m'), 0);
  assert.deepEqual(only(afterApi, '1m'), only(before, '1m'), '1m bars stay');

  const again = await startServer({ args: ['--data-dir', dir], env });
  t.after(() => again.stop());
  const audit = await call(again.base, 'GET', '/api/v1/admin/audit?size=1000', (await login(again.base, 'admin')).headers);
  assert.equal(audit.status, 200, audit.text);
  const row = audit.body.data.find((entry) => entry.request_id === removed.body.request_id);
  assert.ok(row, 'the delete is audited');
  assert.equal(row.action, 'DELETE /api/v1/data/{table}');
  for (const part of ['table=minute_kline', 'frequency=5m', 'start=2024-02-26', 'end=2024-02-26']) {
    assert.ok(row.detail.includes(part), `audit detail "${row.detail}" names ${part}`);
  }
});

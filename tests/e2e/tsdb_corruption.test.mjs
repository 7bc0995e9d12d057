// End-to-end: a damaged tsdb MANIFEST under the real binary. `serve` and `ingest` must exit 1
// with DATA_LOSS naming the file (they once died of SIGSEGV, exit 139, in silence), and
// `admin tsdb-check` must report it; restoring the MANIFEST restores the store. A WAL record
// damaged before valid ones: serve and ingest refuse naming the file and offset, tsdb-repair
// salvages the rest (and refuses while a server holds the store). A damaged segment: readiness
// 503 naming it, queries reading it answer the DATA_LOSS envelope. (docs/reliability.md)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { login, runCli, startServer } from './lib/server.mjs';

const env = { MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '5', MYSTOCKS_LOGGING_LEVEL: 'warn' };
const ingestArgs = (dir) => ['ingest', '--dataset', 'daily', '--all', '--from', '2024-01-02',
                             '--to', '2024-01-12', '--data-dir', dir];

// A data dir with rows in the tsdb store, made by a real ingest; returns its MANIFEST's path.
async function makeStore(dir) {
  const made = await runCli(ingestArgs(dir), { env });
  assert.equal(made.code, 0, made.stdout + made.stderr);
  const tsdb = path.join(dir, 'tsdb');
  const name = readdirSync(tsdb).find((file) => file === 'MANIFEST');
  assert.ok(name, `no MANIFEST in ${tsdb}: ${readdirSync(tsdb).join(', ')}`);
  return path.join(tsdb, name);
}

// Every way the binary opens the store must fail cleanly on the damaged MANIFEST.
async function assertRefused(dir, manifest, what) {
  const runs = {
    serve: ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir],
    ingest: ingestArgs(dir),
  };
  for (const [command, args] of Object.entries(runs)) {
    const result = await runCli(args, { env });
    const output = `${what}, ${command}: exit ${result.code} signal ${result.signal}\n${result.stderr}`;
    assert.equal(result.signal, null, output);
    assert.equal(result.code, 1, output);
    assert.match(result.stderr, /DATA_LOSS/, output);
    assert.ok(result.stderr.includes(manifest), output);
  }
  const check = await runCli(['admin', 'tsdb-check', '--data-dir', dir]);
  const output = `${what}, tsdb-check: exit ${check.code}\n${check.stdout}${check.stderr}`;
  assert.equal(check.code, 1, output);
  assert.ok(check.stdout.includes(manifest), output);
  assert.match(check.stdout, /CORRUPT/, output);
}

test('a damaged MANIFEST is DATA_LOSS naming the file, never a crash', { timeout: 240000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-corrupt-'));
  try {
    const manifest = await makeStore(dir);
    const original = readFileSync(manifest);

    writeFileSync(manifest, Buffer.alloc(0));
    await assertRefused(dir, manifest, 'empty MANIFEST');

    const flipped = Buffer.from(original);
    flipped[flipped.length - 1] ^= 0xff;  // the last payload byte: caught by the checksum
    writeFileSync(manifest, flipped);
    await assertRefused(dir, manifest, 'last byte flipped');

    writeFileSync(manifest, original.subarray(0, original.length >> 1));
    await assertRefused(dir, manifest, 'cut in half');

    // The failed opens removed nothing: with the MANIFEST back, every row is still stored.
    writeFileSync(manifest, original);
    const check = await runCli(['admin', 'tsdb-check', '--data-dir', dir]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const again = await runCli(ingestArgs(dir), { env });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /rows: \d+ fetched, 0 written/, again.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- WAL damage in the middle, tsdb-repair, and a damaged segment under `serve` ----

const serveEnv = { ...env, MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false' };

async function call(base, method, route, headers, body) {
  const response = await fetch(base + route, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

async function runJob(base, headers, job) {
  const submitted = await call(base, 'POST', '/api/v1/data/jobs', headers, job);
  assert.ok([200, 202].includes(submitted.status), JSON.stringify(submitted.body));
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const { body } = await call(base, 'GET', `/api/v1/data/jobs/${submitted.body.data.id}`, headers);
    if (['succeeded', 'failed', 'cancelled'].includes(body.data.state)) {
      assert.equal(body.data.state, 'succeeded', JSON.stringify(body.data));
      return body.data;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('job did not finish in 60 s');
}

// The records of a WAL file: [u32 length][u32 crc][u8 type][payload] after a 16-byte header.
function walRecords(bytes) {
  const records = [];
  for (let offset = 16; offset + 9 <= bytes.length;) {
    const length = bytes.readUInt32LE(offset);
    records.push({ offset, length });
    offset += 9 + length;
  }
  return records;
}

const nextDay = { '2024-01-02': '2024-01-03', '2024-01-04': '2024-01-05' };
let symbol = '';  // the first security of the simulator's master, once imported
const bars = (base, day) => call(base, 'GET',
  `/api/v1/market/kline?symbol=${symbol}&interval=1m&start=${day}&end=${nextDay[day]}&limit=1000`, {});

async function waitStatus(base, route, status, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await call(base, 'GET', route, {});
    if (last.status === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${route} never answered ${status}: ${JSON.stringify(last)}`);
}

test('WAL damage before valid records: serve refuses, tsdb-repair salvages, segment damage is named',
  { timeout: 240000 }, async () => {
    // Two jobs leave their rows in the WAL only (the server is killed, not stopped).
    const server = await startServer({ env: serveEnv, users: { operator: 'operator' } });
    const dir = server.dataDir;
    try {
      const headers = (await login(server.base, 'operator')).headers;
      await runJob(server.base, headers, { dataset: 'symbols', all: true });
      const master = await call(server.base, 'GET', '/api/v1/market/symbols?security_type=stock&size=1', {});
      assert.equal(master.status, 200, JSON.stringify(master.body));
      symbol = master.body.data[0].symbol;
      const job = { dataset: 'minute:1m', all: true };
      await runJob(server.base, headers, { ...job, from: '2024-01-02', to: '2024-01-02' });
      await runJob(server.base, headers, { ...job, from: '2024-01-04', to: '2024-01-04' });
      const busy = await runCli(['admin', 'tsdb-repair', '--data-dir', dir]);
      assert.equal(busy.code, 1, busy.stdout + busy.stderr);
      assert.match(busy.stderr, /in use by another process/, busy.stderr);
      server.child.kill('SIGKILL');
      await server.exited;

      const walDir = path.join(dir, 'tsdb', 'wal');
      const wal = path.join(walDir, readdirSync(walDir).sort().at(-1));
      const bytes = readFileSync(wal);
      const records = walRecords(bytes);
      assert.ok(records.length >= 2, `expected two WAL records, found ${records.length}`);
      bytes[records[0].offset + 9 + 5] ^= 0x55;  // inside the first record's payload
      writeFileSync(wal, bytes);

      const runs = { serve: ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir], ingest: ingestArgs(dir) };
      for (const [command, args] of Object.entries(runs)) {
        const result = await runCli(args, { env });
        const output = `${command}: exit ${result.code} signal ${result.signal}\n${result.stderr}`;
        assert.equal(result.code, 1, output);
        assert.match(result.stderr, /DATA_LOSS/, output);
        assert.ok(result.stderr.includes(wal), output);
        assert.ok(result.stderr.includes(`offset ${records[0].offset}`), output);
      }
      assert.deepEqual(readFileSync(wal), bytes, 'nothing was truncated or deleted');
      const check = await runCli(['admin', 'tsdb-check', '--data-dir', dir]);
      assert.equal(check.code, 1, check.stdout + check.stderr);
      assert.ok(check.stdout.includes(wal), check.stdout);

      const repair = await runCli(['admin', 'tsdb-repair', '--data-dir', dir]);
      assert.equal(repair.code, 0, repair.stdout + repair.stderr);
      assert.ok(repair.stdout.includes(`dropped: ${wal} offset ${records[0].offset} length ${9 + records[0].length}`),
        repair.stdout);
      assert.match(repair.stdout, /salvaged: replayed/, repair.stdout);
      const clean = await runCli(['admin', 'tsdb-check', '--data-dir', dir]);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
    }

    // The salvaged store serves the readable rows; then a damaged segment is named.
    let again = await startServer({ args: ['--data-dir', dir], env: serveEnv });
    try {
      const day2 = await bars(again.base, '2024-01-04');
      assert.equal(day2.status, 200, JSON.stringify(day2.body));
      assert.ok(day2.body.data.bars.length > 0, JSON.stringify(day2.body));
      await again.stop();  // flushes; removes only its own fresh data dir

      const segments = [];
      const walk = (folder) => {
        for (const entry of readdirSync(folder, { withFileTypes: true })) {
          const full = path.join(folder, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (entry.name.endsWith('.seg')) segments.push(full);
        }
      };
      walk(path.join(dir, 'tsdb', 'data'));
      assert.ok(segments.length >= 1, 'segments after the clean stop');
      const segment = segments.find((file) => file.includes('minute_kline')) ?? segments[0];
      const damaged = readFileSync(segment);
      damaged[40] ^= 0x55;  // a block of the first series, not the footer
      writeFileSync(segment, damaged);

      again = await startServer({ args: ['--data-dir', dir], env: serveEnv });
      const ready = await waitStatus(again.base, '/health/ready', 503);
      assert.ok(JSON.stringify(ready.body).includes(segment), JSON.stringify(ready.body));
      const query = await bars(again.base, '2024-01-04');
      assert.equal(query.status, 500, JSON.stringify(query.body));
      assert.equal(query.body.success, false, JSON.stringify(query.body));
      assert.equal(query.body.errors[0].code, 'DATA_LOSS', JSON.stringify(query.body));
      assert.ok(query.body.message.includes(segment), JSON.stringify(query.body));
      const untouched = await bars(again.base, '2024-01-02');  // a day without that segment
      assert.equal(untouched.status, 200, JSON.stringify(untouched.body));
    } finally {
      await again.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

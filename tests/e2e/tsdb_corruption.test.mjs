// End-to-end: a damaged tsdb MANIFEST under the real binary. `serve` and `ingest` must exit 1
// with DATA_LOSS naming the file (they once died of SIGSEGV, exit 139, in silence), and
// `admin tsdb-check` must report it; restoring the MANIFEST restores the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './lib/server.mjs';

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

// End-to-end: `mystocks ingest --source csv --dataset tick` streams a CSV file in small batches
// (ingest.chunk_rows) through the real binary: its peak memory stays a fraction of what one
// whole-file batch takes, and a run killed with SIGKILL mid-file is completed by a re-run with
// every row stored exactly once (tsdb-stats counts the stored rows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { binary, runCli } from './lib/server.mjs';

const symbols = 20;
const dayStart = Date.UTC(2024, 4, 7, 1, 30);  // 2024-05-07 09:30 Asia/Shanghai

// `steps` snapshots 3 s apart for each symbol, in time order (all symbols interleaved).
function writeTicks(dir, steps) {
  mkdirSync(path.join(dir, 'tick'), { recursive: true });
  const lines = ['ts,symbol,last,volume,amount'];
  for (let step = 0; step < steps; ++step) {
    const ts = dayStart + step * 3000;
    for (let symbol = 0; symbol < symbols; ++symbol) {
      lines.push(`${ts},${String(600000 + symbol)}.SH,10.5,${step * 100},${step * 1050}.00`);
    }
  }
  const file = path.join(dir, 'tick', 'ticks.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return { rows: steps * symbols, bytes: statSync(file).size };
}

function ingestEnv(importDir, chunkRows = 2000) {
  // A small ASan quarantine keeps freed memory from counting as resident (sanitizer builds).
  const asan = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=4'].filter(Boolean).join(':');
  return { MYSTOCKS_SOURCES_INSTANCES: 'csv', MYSTOCKS_SOURCES_PRIORITY: 'csv',
           MYSTOCKS_SOURCES_CSV_DIR: importDir, MYSTOCKS_LOGGING_LEVEL: 'warn',
           MYSTOCKS_INGEST_CHUNK_ROWS: String(chunkRows), ASAN_OPTIONS: asan };
}

const ingestArgs = (dataDir, day = '2024-05-07') =>
  ['ingest', '--source', 'csv', '--dataset', 'tick', '--all', '--from', day, '--to', day,
   '--data-dir', dataDir];

function rows(stdout) {
  const match = /rows: (\d+) fetched, (\d+) written, (\d+) rejected, (\d+) already stored/.exec(stdout);
  assert.ok(match, `no rows line in:\n${stdout}`);
  return { fetched: Number(match[1]), written: Number(match[2]), rejected: Number(match[3]),
           skipped: Number(match[4]) };
}

async function storedTicks(dataDir) {
  const stats = await runCli(['admin', 'tsdb-stats', '--table', 'tick', '--data-dir', dataDir]);
  assert.equal(stats.code, 0, stats.stdout + stats.stderr);
  const line = stats.stdout.split('\n').find((text) => text.startsWith('tick '));
  assert.ok(line, stats.stdout);
  return Number(line.trim().split(/\s+/)[1]);
}

// Peak resident memory (kB) of `mystocks ARGS`, read from /proc just before it exits would race;
// GNU time reports it exactly.
async function peakKb(args, env) {
  const result = await new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', 'peak_kb=%M', binary, ...args],
                        { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const match = /peak_kb=(\d+)/.exec(result.stderr);
  assert.ok(match, result.stderr);
  return { kb: Number(match[1]), stdout: result.stdout };
}

test('a streamed import holds a few batches: peak memory is a fraction of one whole-file batch',
     { skip: !existsSync('/usr/bin/time') && 'needs GNU time' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-csv-stream-'));
  try {
    writeTicks(path.join(dir, 'small'), 50);
    const large = writeTicks(path.join(dir, 'large'), 7500);
    // The job asks for the next day: every row is read, parsed, validated and filtered out, so
    // the memory measured is the importer's alone (the store's buffers are not in it).
    const run = (input, chunkRows) =>
      peakKb(ingestArgs(path.join(dir, `data-${input}-${chunkRows}`), '2024-05-08'),
             ingestEnv(path.join(dir, input), chunkRows));
    const base = await run('small', 1000);
    const streamed = await run('large', 1000);
    const whole = await run('large', 0);  // ingest.chunk_rows 0: the whole file in one batch
    assert.equal(rows(streamed.stdout).fetched, 0);
    const streamedGrowth = streamed.kb - base.kb;
    const wholeGrowth = whole.kb - base.kb;
    const report = `peak RSS: ${base.kb} kB for 50 lines, ${streamed.kb} kB streaming ` +
                   `${large.rows} rows (${(large.bytes / 1048576).toFixed(1)} MB) in 1,000-row ` +
                   `batches, ${whole.kb} kB in one batch`;
    assert.ok(wholeGrowth > 4 * 1024, report);  // the whole file does cost memory
    assert.ok(streamedGrowth < wholeGrowth / 4, report);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Bytes under `dir` while the importer runs: files it renames or removes between the listing
// and the stat (MANIFEST.tmp, flushed WAL files) count as nothing.
function tsdbBytes(dir) {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      total += tsdbBytes(full);
    } else {
      total += statSync(full, { throwIfNoEntry: false })?.size ?? 0;
    }
  }
  return total;
}

test('an import killed mid-file is completed by a re-run: every row stored exactly once', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-csv-kill-'));
  try {
    const input = writeTicks(path.join(dir, 'import'), 3000);
    const dataDir = path.join(dir, 'data');
    const env = ingestEnv(path.join(dir, 'import'));
    // Kill as soon as the store holds some batches (the write-ahead log grows).
    const child = spawn(binary, ingestArgs(dataDir), { env: { ...process.env, ...env },
                                                      stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let killed = false;
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (tsdbBytes(path.join(dataDir, 'tsdb')) > 128 * 1024) {
        child.kill('SIGKILL');
        killed = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const first = await exited;
    assert.ok(killed && first.signal === 'SIGKILL', `the import ended before the kill: ${JSON.stringify(first)}`);

    const again = await runCli(ingestArgs(dataDir), { env });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const counts = rows(again.stdout);
    assert.equal(counts.fetched, input.rows);
    assert.ok(counts.skipped > 0 && counts.skipped < input.rows, again.stdout);
    assert.equal(counts.skipped + counts.written, input.rows);
    assert.equal(await storedTicks(dataDir), input.rows, 'rows lost or stored twice');

    const third = await runCli(ingestArgs(dataDir), { env });
    assert.equal(rows(third.stdout).written, 0, third.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

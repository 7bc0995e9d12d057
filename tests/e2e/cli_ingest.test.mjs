// End-to-end: `mystocks ingest` with the real binary, a temp data dir and a 5-symbol simulator:
// usage errors exit 2 naming the flag, a real ingest stores rows and exits 0, a re-run writes
// nothing new, a failing job exits 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './lib/server.mjs';

const env = { MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '5', MYSTOCKS_LOGGING_LEVEL: 'warn' };

function rows(stdout) {
  const match = /rows: (\d+) fetched, (\d+) written, (\d+) rejected, (\d+) already stored/.exec(stdout);
  assert.ok(match, `no rows line in:\n${stdout}`);
  return { fetched: Number(match[1]), written: Number(match[2]), rejected: Number(match[3]),
           skipped: Number(match[4]) };
}

test('usage errors exit 2 and name the flag', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-ingest-'));
  try {
    const cases = [
      [['--all', '--from', '2024-01-02', '--to', '2024-01-05'], /--dataset: dataset is required/],
      [['--dataset', 'weekly', '--all', '--from', '2024-01-02', '--to', '2024-01-05'],
       /--dataset: data type 'weekly' is unknown/],
      [['--dataset', 'daily', '--from', '2024-01-02', '--to', '2024-01-05'], /--symbols: .*needs symbols/],
      [['--dataset', 'daily', '--symbols', '600519,AAPL', '--from', '2024-01-02', '--to', '2024-01-05'],
       /--symbols: .*AAPL/],
      [['--dataset', 'daily', '--all', '--from', '2024-13-01', '--to', '2024-01-05'], /--from: /],
      [['--dataset', 'daily', '--all', '--from', '2024-02-01', '--to', '2024-01-05'],
       /--from: from 2024-02-01 is after to 2024-01-05/],
      [['--dataset', 'daily', '--all', '--from', '2024-01-02', '--to', '2024-01-05', '--source', 'vendor'],
       /--source: source 'vendor' is not configured: expected one of simulator; add "vendor=<type>" to sources\.instances/],
      // The default configuration has no csv instance: the message says which keys make one.
      [['--dataset', 'daily', '--all', '--from', '2024-01-02', '--to', '2024-01-05', '--source', 'csv'],
       /--source: source 'csv' is not configured: expected one of simulator; .*sources\.instances \("simulator,csv"\).*sources\.csv_dir/],
      [['--dataset', 'daily', '--all', '--from', '2024-01-02', '--to', '2024-01-05', '--strategy', 'yolo'],
       /--strategy: .*rollback, continue or retry/],
      [['--dataset', 'daily', '--all', '--from'], /option --from needs a value/],
      [['--dataset', 'daily', '--al'], /unknown option '--al'/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['ingest', ...args, '--data-dir', dir], { env });
      assert.equal(result.code, 2, `${args.join(' ')}\n${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    // Usage errors are found before any store is created.
    assert.equal(existsSync(path.join(dir, 'relational.db')), false);
    const help = await runCli(['ingest', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--dataset DATASET/);
    const main = await runCli(['help']);
    assert.match(main.stdout, /ingest --dataset/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a real ingest stores rows, and a re-run writes none', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-ingest-'));
  try {
    const args = ['ingest', '--dataset', 'daily', '--all', '--from', '2024-01-02', '--to', '2024-02-29',
                  '--data-dir', dir];
    const first = await runCli(args, { env });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /succeeded/);
    const stored = rows(first.stdout);
    assert.ok(stored.written > 150, first.stdout);  // 5 symbols x ~38 trading days, less suspensions
    assert.equal(stored.written, stored.fetched);
    assert.match(first.stdout, /quality: \d+ finding\(s\) \(ohlc_consistency 0, non_negative 0, duplicate_key 0/);
    assert.match(first.stdout, /[1-9]\d* row\(s\) in data_quality_metrics/);
    assert.ok(existsSync(path.join(dir, 'relational.db')));

    const again = await runCli(args, { env });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(rows(again.stdout).written, 0, again.stdout);

    const minutes = await runCli(['ingest', '--dataset', 'minute:5m', '--all', '--from', '2024-02-26',
                                  '--to', '2024-02-27', '--data-dir', dir], { env });
    assert.equal(minutes.code, 0, minutes.stdout + minutes.stderr);
    assert.ok(rows(minutes.stdout).written > 0, minutes.stdout);
    assert.ok(existsSync(path.join(dir, 'tsdb')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing job exits 1 with the reason', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-ingest-'));
  try {
    // 601988.SH is not among the 5 simulated shares (the first well-known ones).
    const result = await runCli(['ingest', '--dataset', 'daily', '--symbols', '601988', '--from', '2024-01-02',
                                 '--to', '2024-01-05', '--data-dir', dir], { env });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /failed/);
    // Without --source the failover set is named by its order, not as "source 'sources'".
    assert.match(result.stdout,
                 /NOT_FOUND: fetching daily 601988\.SH 2024-01-02\.\.2024-01-05 from the configured sources \(tried in order: simulator\)/);
    assert.doesNotMatch(result.stdout, /source 'sources'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

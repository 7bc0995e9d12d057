// End-to-end: command-line behaviour and start-up errors of the real binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, startServer } from './lib/server.mjs';

test('version and help', async () => {
  const version = await runCli(['version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^mystocks \d+\.\d+\.\d+/);
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /serve/);
  assert.match(help.stdout, /server\.listen = "127\.0\.0\.1:8080"/);
});

test('unknown commands and flags exit 2 with a clear message', async () => {
  const none = await runCli([]);
  assert.equal(none.code, 2);
  const command = await runCli(['serv']);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /unknown command 'serv'/);
  const flag = await runCli(['serve', '--port', '1']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unknown option '--port'/);
  const missing = await runCli(['serve', '--listen']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--listen needs a value/);
});

test('configuration errors stop start-up naming file, key and problem', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-cli-'));
  try {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  listen: "127.0.0.1:0"\n  thraeds: 2\n');
    const unknown = await runCli(['serve', '--config', file]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, new RegExp(`${file}:3: unknown key 'server\\.thraeds'`));

    writeFileSync(file, 'server:\n  threads: lots\n');
    const wrongType = await runCli(['serve', '--config', file]);
    assert.equal(wrongType.code, 1);
    assert.match(wrongType.stderr, /key 'server\.threads' has value 'lots': expected an integer/);

    const missing = await runCli(['serve', '--config', path.join(dir, 'absent.yaml')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /absent\.yaml: configuration file not found/);

    const env = await runCli(['serve', '--listen', '127.0.0.1:0'], { env: { MYSTOCKS_SERVER_BODY_LIMIT: '5' } });
    assert.equal(env.code, 1);
    assert.match(env.stderr, /MYSTOCKS_SERVER_BODY_LIMIT: unknown key in section 'server'/);

    const dotenv = path.join(dir, '.env');
    writeFileSync(dotenv, 'MYSTOCKS_LOGGING_LEVEL=chatty\n');
    const fromDotenv = await runCli(['serve', '--env-file', dotenv, '--listen', '127.0.0.1:0']);
    assert.equal(fromDotenv.code, 1);
    assert.match(fromDotenv.stderr, /\.env MYSTOCKS_LOGGING_LEVEL: key 'logging\.level' has value 'chatty'/);

    const badListen = await runCli(['serve', '--listen', 'nowhere']);
    assert.equal(badListen.code, 1);
    assert.match(badListen.stderr, /server\.listen/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port in use is a clear start-up error', async () => {
  const first = await startServer();
  const otherDir = mkdtempSync(path.join(tmpdir(), 'mystocks-e2e-'));
  try {
    const second = await runCli(['serve', '--listen', `127.0.0.1:${first.port}`,
      '--data-dir', otherDir]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /cannot listen on 127\.0\.0\.1:\d+ \(server\.listen\)/);
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
    assert.equal((await first.stop()).code, 0);
  }
});

test('a second server on the same data directory is refused, naming the lock', async () => {
  const first = await startServer();
  try {
    const second = await runCli(['serve', '--listen', '127.0.0.1:0', '--data-dir', first.dataDir]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /tsdb is in use by another process \(its LOCK is held\); stop that process first/);
  } finally {
    assert.equal((await first.stop()).code, 0);
  }
});

test('demo prints where to look', async () => {
  const demo = await startServer({ command: 'demo' });
  try {
    assert.match(demo.stdout(), /demo is running at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(demo.stdout(), /API docs +http:\/\/127\.0\.0\.1:\d+\/api\/docs/);
    assert.equal((await fetch(`${demo.base}/health`)).status, 200);
  } finally {
    assert.equal((await demo.stop()).code, 0);
  }
});

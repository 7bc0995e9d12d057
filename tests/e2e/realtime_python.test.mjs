// End-to-end: python-socketio (Debian's python3-socketio), the client most quants use, runs the
// example of docs/realtime.md against the real binary: with recovery offsets (one more handler
// argument) and with auth {"offsets": false} (the message alone).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sourceDir } from './lib/server.mjs';
import { publish, startRealtimeServer } from './lib/realtime.mjs';

let server;
before(async () => { server = await startRealtimeServer(); });
after(async () => { assert.equal((await server.stop()).code, 0); });

const example = path.join(sourceDir, 'docs/examples/realtime_quotes.py');

// Runs the example until it printed `count` quotes, publishing while it waits.
async function runExample(symbol, count, extra = []) {
  const child = spawn('/usr/bin/python3', [example, server.base, symbol, String(count), ...extra]);
  const lines = [];
  let stderr = '';
  let buffered = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    lines.push(...parts.filter(Boolean).map((line) => JSON.parse(line)));
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30000;
  while (!lines.some((line) => line.subscribed) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(lines.some((line) => line.subscribed), `example subscribed; stderr: ${stderr}`);
  for (let index = 1; child.exitCode === null && Date.now() < deadline; index += 1) {
    await publish(server, 'quote', symbol, { last: index });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(await exited, 0, stderr);
  return lines;
}

test('python-socketio receives quotes with the recovery offset as an extra argument', async () => {
  const lines = await runExample('600519', 3);
  assert.equal(lines[0].subscribed.room, 'quote:600519.SH');
  const quotes = lines.slice(1);
  assert.equal(quotes.length, 3);
  for (const quote of quotes) {
    assert.equal(quote.symbol, '600519.SH');
    assert.match(quote.offset, /^\d+$/);
  }
});

test('python-socketio with auth {"offsets": false} receives the message alone', async () => {
  const quotes = (await runExample('000001', 2, ['--no-offsets'])).slice(1);
  assert.equal(quotes.length, 2);
  for (const quote of quotes) {
    assert.equal(quote.symbol, '000001.SZ');
    assert.equal(quote.offset, null);
    assert.equal(typeof quote.data.last, 'number');
  }
});

// End-to-end: graceful shutdown. SIGTERM stops accepting, answers requests already in flight,
// closes idle keep-alive connections and exits 0 — also in the middle of a wrk load run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { startServer } from './lib/server.mjs';

function connect(server) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, server.host, () => resolve(socket));
    socket.on('error', reject);
  });
}

function collect(socket) {
  return new Promise((resolve) => {
    let data = '';
    socket.on('data', (chunk) => { data += chunk; });
    socket.on('close', () => resolve(data));
  });
}

test('a request in flight at SIGTERM is answered, idle connections closed, exit 0', async () => {
  const server = await startServer();
  const idle = await connect(server);
  const idleClosed = collect(idle);
  const busy = await connect(server);
  const busyAnswer = collect(busy);
  // Headers announce a body that has not arrived yet: the request is in flight.
  busy.write('POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab');
  await new Promise((r) => setTimeout(r, 200));
  server.child.kill('SIGTERM');
  assert.equal(await idleClosed, '', 'idle keep-alive connection closed without a response');
  await new Promise((r) => setTimeout(r, 200));
  busy.write('cde');
  const answer = await busyAnswer;
  assert.match(answer, /^HTTP\/1\.1 405 /, 'in-flight request answered');
  assert.match(answer, /Connection: close/i);
  const { code } = await server.exited;
  assert.equal(code, 0);
  await assert.rejects(connect(server), 'no longer accepting');
  await server.stop();
});

test('SIGTERM during a wrk run drains and exits 0', async () => {
  const server = await startServer();
  const wrk = spawn('wrk', ['-t2', '-c32', '-d4s', `${server.base}/health`]);
  let wrkOut = '';
  wrk.stdout.on('data', (chunk) => { wrkOut += chunk; });
  const wrkDone = new Promise((resolve) => wrk.on('exit', resolve));
  await new Promise((r) => setTimeout(r, 1500));
  server.child.kill('SIGTERM');
  const { code } = await server.exited;
  assert.equal(code, 0, 'server exits 0 under load');
  await wrkDone;
  const requests = Number(/(\d+) requests in/.exec(wrkOut)?.[1] ?? 0);
  assert.ok(requests > 100, `wrk completed requests before the drain (${requests})\n${wrkOut}`);
  assert.doesNotMatch(wrkOut, /Non-2xx/, 'no error responses while draining');
  await server.stop();
});

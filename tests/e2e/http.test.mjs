// End-to-end: the real binary over real HTTP. Envelope, request ids, 404/405/400/413, HEAD,
// readiness, Swagger UI, JSON logs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { rmSync } from 'node:fs';
import { startServer } from './lib/server.mjs';

let server;
before(async () => {
  server = await startServer({
    env: { MYSTOCKS_SERVER_BODY_LIMIT_BYTES: '1024', MYSTOCKS_SERVER_ACCESS_LOG: 'true' },
  });
});
after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0, 'server exits 0 after SIGTERM');
});

// Sends raw bytes and returns everything the server answers before closing.
function rawExchange(payload) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, server.host, () => socket.write(payload));
    let data = '';
    socket.on('data', (chunk) => { data += chunk; });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

function assertEnvelope(body, requestId) {
  for (const key of ['success', 'code', 'message', 'data', 'timestamp', 'request_id']) {
    assert.ok(key in body, `envelope has ${key}`);
  }
  assert.equal(body.request_id, requestId);
  assert.equal(typeof body.timestamp, 'number');
}

test('GET /health answers the envelope with a generated X-Request-ID', async () => {
  const response = await fetch(`${server.base}/health`);
  assert.equal(response.status, 200);
  const id = response.headers.get('x-request-id');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const body = await response.json();
  assertEnvelope(body, id);
  assert.equal(body.success, true);
  assert.equal(body.code, 0);
  assert.equal(body.data.status, 'ok');
});

test('a well-formed client X-Request-ID is echoed and reaches the log line', async () => {
  const response = await fetch(`${server.base}/health`, { headers: { 'X-Request-ID': 'e2e-trace-42' } });
  assert.equal(response.headers.get('x-request-id'), 'e2e-trace-42');
  assertEnvelope(await response.json(), 'e2e-trace-42');
  const deadline = Date.now() + 5000;
  let line;
  while (Date.now() < deadline) {
    line = server.stderr().split('\n').find((l) => l.includes('"request_id":"e2e-trace-42"'));
    if (line) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(line, 'access log line carries the request id');
  const entry = JSON.parse(line);
  assert.equal(entry.level, 'info');
  assert.match(entry.msg, /GET \/health 200/);
});

test('unknown route is 404 in the envelope', async () => {
  const response = await fetch(`${server.base}/api/v1/nothing-here`);
  assert.equal(response.status, 404);
  const body = await response.json();
  assertEnvelope(body, response.headers.get('x-request-id'));
  assert.equal(body.success, false);
  assert.equal(body.errors[0].code, 'ROUTE_NOT_FOUND');
});

test('wrong method is 405 with Allow', async () => {
  const response = await fetch(`${server.base}/health`, { method: 'DELETE' });
  assert.equal(response.status, 405);
  assert.equal(response.headers.get('allow'), 'GET, HEAD, OPTIONS');
  const body = await response.json();
  assert.equal(body.errors[0].code, 'METHOD_NOT_ALLOWED');
});

test('HEAD has the headers of GET and no body', async () => {
  const response = await rawExchange('HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(response, /Content-Length: \d+/i);
  assert.match(response, /X-Request-ID: /i);
  assert.ok(response.endsWith('\r\n\r\n'), 'no body after the headers');
});

test('malformed request is 400 in the envelope', async () => {
  const response = await rawExchange('GARBAGE\r\n\r\n');
  assert.match(response, /^HTTP\/1\.1 400 Bad Request\r\n/);
  const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
  assert.equal(body.success, false);
  assert.equal(body.errors[0].code, 'MALFORMED_REQUEST');
  assert.match(response, /X-Request-ID: /i);
});

test('malformed percent-encoding in the target is 400', async () => {
  const response = await rawExchange('GET /health?x=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(response, /^HTTP\/1\.1 400 /);
});

test('a body over the limit is 413 in the envelope', async () => {
  const response = await fetch(`${server.base}/health`, { method: 'POST', body: 'x'.repeat(4096) });
  assert.equal(response.status, 413);
  const body = await response.json();
  assert.equal(body.errors[0].code, 'PAYLOAD_TOO_LARGE');
  assert.match(body.message, /1024 bytes/);
});

test('an unknown method is 501 in the envelope', async () => {
  const response = await rawExchange('FOO / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(response, /^HTTP\/1\.1 501 Not Implemented\r\n/);
  const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
  assert.equal(body.errors[0].code, 'UNSUPPORTED');
  assert.match(body.message, /method 'FOO'/);
});

test('Expect: 100-continue gets 100 Continue before the body; an oversized one 413 at once', async () => {
  const answer = await new Promise((resolve, reject) => {
    const socket = net.connect(server.port, server.host, () => socket.write(
      'POST /api/v1/indicators/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Content-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n'));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk;
      if (data === 'HTTP/1.1 100 Continue\r\n\r\n') socket.write('{}');  // only after the interim answer
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  // The interim answer, then the final one ({} is not a valid batch, but it was read). An
  // anonymous route: a refused caller's 401 would not show that the body was read.
  assert.match(answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 400 /);
  const tooBig = await rawExchange('POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n' +
    'Expect: 100-continue\r\n\r\n');
  assert.match(tooBig, /^HTTP\/1\.1 413 /);
});

test('a WebSocket upgrade with an invalid Sec-WebSocket-Key is refused', async () => {
  const upgrade = (key) => rawExchange('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n' +
    `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`);
  for (const key of ['not-base64!', 'AAAA', 'dGhlIHNhbXBsZSBub25jZQ']) {
    assert.match(await upgrade(key), /^HTTP\/1\.1 400 /, key);
  }
  const accepted = await Promise.race([
    upgrade('dGhlIHNhbXBsZSBub25jZQ=='),
    new Promise((resolve) => setTimeout(() => resolve('still open'), 500)),
  ]);
  assert.ok(accepted === 'still open' || /^HTTP\/1\.1 101 /.test(accepted), accepted);
});

test('keep-alive serves several requests on one connection', async () => {
  const one = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
  const last = 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  const response = await rawExchange(one + one + last);
  assert.equal(response.match(/HTTP\/1\.1 200 OK/g).length, 3);
});

test('readiness reports each check and fails with 503 naming it', async () => {
  const ready = await fetch(`${server.base}/health/ready`);
  assert.equal(ready.status, 200);
  const body = await ready.json();
  assert.equal(body.data.status, 'ready');
  assert.deepEqual(body.data.checks.map((c) => c.name),
    ['storage.data_dir', 'storage.relational', 'storage.time_series', 'threads']);

  rmSync(server.dataDir, { recursive: true, force: true });
  const broken = await fetch(`${server.base}/health/ready`);
  assert.equal(broken.status, 503);
  const failure = await broken.json();
  assert.equal(failure.errors[0].field, 'storage.data_dir');
  assert.equal(failure.errors[0].code, 'UNAVAILABLE');
});

test('Swagger UI page and its assets are served', async () => {
  const page = await fetch(`${server.base}/api/docs`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(await page.text(), /swagger-ui-bundle\.js/);
  const bundle = await fetch(`${server.base}/api/docs/swagger-ui-bundle.js`);
  assert.equal(bundle.status, 200);
  assert.ok((await bundle.text()).length > 100000);
  const missing = await fetch(`${server.base}/api/docs/nope.js`);
  assert.equal(missing.status, 404);
  const traversal = await fetch(`${server.base}/api/docs/..%2F..%2Fpackage.json`);
  assert.equal(traversal.status, 404);
});

// End-to-end: the gateway guards on the real binary — the 429 sequence and recovery, health
// checks never limited, CORS preflight allowed and refused, gzip and ETag/304.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './lib/server.mjs';

let server;
before(async () => {
  server = await startServer({
    env: {
      MYSTOCKS_GATEWAY_RATE_LIMIT_CAPACITY: '3',
      MYSTOCKS_GATEWAY_RATE_LIMIT_PER_SECOND: '2',
      MYSTOCKS_GATEWAY_CORS_ORIGINS: 'https://app.example, http://localhost:5173',
    },
  });
});
after(async () => { assert.equal((await server.stop()).code, 0); });

// fetch() decompresses transparently; this returns the raw bytes and headers.
function rawGet(path, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get({ host: server.host, port: server.port, path, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('rate limit: 429 with Retry-After, then recovery; health is never limited', async () => {
  const statuses = [];
  let refused;
  for (let i = 0; i < 6; ++i) {
    const response = await fetch(`${server.base}/api/v1/system/version`);
    statuses.push(response.status);
    if (response.status === 429) refused = response;
  }
  assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
  assert.ok(refused, `a request was refused: ${statuses}`);
  assert.equal(refused.headers.get('x-ratelimit-limit'), '3');
  assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
  const retryAfter = Number(refused.headers.get('retry-after'));
  assert.ok(retryAfter >= 1);
  const body = await refused.json();
  assert.equal(body.errors[0].code, 'RATE_LIMIT_EXCEEDED');
  for (let i = 0; i < 20; ++i) assert.equal((await fetch(`${server.base}/health`)).status, 200);
  await new Promise((r) => setTimeout(r, retryAfter * 1000));
  assert.equal((await fetch(`${server.base}/api/v1/system/version`)).status, 200, 'recovered');
  const metrics = await (await fetch(`${server.base}/metrics`)).text();
  assert.match(metrics, /mystocks_gateway_rate_limited_total\{class="default"\} [1-9]/);
});

test('CORS: preflight allowed for whitelisted origins, refused otherwise', async () => {
  await new Promise((r) => setTimeout(r, 1600));  // refill after the rate-limit test
  const allowed = await fetch(`${server.base}/api/v1/realtime/publish`, {
    method: 'OPTIONS',
    headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
  });
  assert.equal(allowed.status, 204);
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  assert.match(allowed.headers.get('access-control-allow-methods'), /POST/);
  const refused = await fetch(`${server.base}/api/v1/realtime/publish`, {
    method: 'OPTIONS',
    headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
  });
  assert.equal(refused.status, 403);
  const simple = await fetch(`${server.base}/health`, { headers: { Origin: 'https://app.example' } });
  assert.equal(simple.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.match(simple.headers.get('access-control-expose-headers'), /X-Request-ID/);
});

test('gzip for large JSON and ETag revalidation with 304', async () => {
  const plain = await rawGet('/api/openapi.json');
  const zipped = await rawGet('/api/openapi.json', { 'Accept-Encoding': 'gzip' });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.ok(zipped.body.length < plain.body.length / 3, `${zipped.body.length} vs ${plain.body.length}`);
  const etag = plain.headers.etag;
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  const cached = await rawGet('/api/openapi.json', { 'If-None-Match': etag });
  assert.equal(cached.status, 304);
  assert.equal(cached.body.length, 0);
});

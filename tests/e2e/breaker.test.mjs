// End-to-end: the relational store's circuit breaker in the running server. PostgreSQL is
// stopped under `mystocks serve`: reads fail with 503, the breaker opens and answers at once
// with Retry-After, the status route and /metrics show it; PostgreSQL comes back and after the
// open timeout a probe closes the breaker and reads succeed again. The status route needs an
// operator (the accounts live in PostgreSQL too, so the operator logs in before it stops).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, startServer } from './lib/server.mjs';
import { startPostgres } from './lib/postgres.mjs';

async function get(base, path, headers = {}) {
  const started = Date.now();
  const response = await fetch(base + path, { headers });
  return { status: response.status, headers: response.headers, body: await response.json(), ms: Date.now() - started };
}

async function breakerState(base, operator) {
  const { status, body } = await get(base, '/api/v1/system/status', operator);
  assert.equal(status, 200, JSON.stringify(body));
  return body.data.components.storage.breakers.find((b) => b.upstream === 'store.relational').state;
}

test('breaker: PostgreSQL stopped under the server opens it (503), a restart closes it', async (t) => {
  const pg = await startPostgres();
  t.after(() => pg.destroy());
  const server = await startServer({
    env: {
      MYSTOCKS_STORAGE_RELATIONAL: 'postgres',
      MYSTOCKS_POSTGRES_PRIMARY: pg.address,
      MYSTOCKS_POSTGRES_DSN: 'user=postgres dbname=postgres',
      MYSTOCKS_POSTGRES_CONNECT_TIMEOUT_MS: '1000',
      MYSTOCKS_POSTGRES_ACQUIRE_TIMEOUT_MS: '1000',
      MYSTOCKS_POSTGRES_RECONNECT_TIMEOUT_MS: '500',
      MYSTOCKS_GATEWAY_BREAKER_FAILURE_THRESHOLD: '3',
      MYSTOCKS_GATEWAY_BREAKER_SUCCESS_THRESHOLD: '1',
      MYSTOCKS_GATEWAY_BREAKER_OPEN_TIMEOUT_MS: '2000',
      MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false',
      // Every read must reach the store: a cached answer would (rightly) hide the outage.
      MYSTOCKS_GATEWAY_CACHE_ENABLED: 'false',
    },
    users: { operator: 'operator' },
  });
  t.after(() => server.stop());
  const operator = (await login(server.base, 'operator')).headers;
  const route = '/api/v1/market/symbols';
  assert.equal((await get(server.base, route)).status, 200);
  assert.equal(await breakerState(server.base, operator), 'closed');

  pg.stop();
  for (let attempt = 0; attempt < 3; ++attempt) {
    const failed = await get(server.base, route);
    assert.equal(failed.status, 503, JSON.stringify(failed.body));
    assert.equal(failed.body.success, false);
  }
  assert.equal(await breakerState(server.base, operator), 'open');
  const refused = await get(server.base, route);
  assert.equal(refused.status, 503);
  assert.ok(refused.headers.get('retry-after'));
  assert.match(refused.body.message, /circuit|store\.relational/i);
  assert.ok(refused.ms < 500, `an open breaker answers at once (${refused.ms} ms)`);
  const metrics = await (await fetch(`${server.base}/metrics`)).text();
  assert.match(metrics, /mystocks_breaker_state\{upstream="store\.relational"\} 1/);
  assert.match(metrics, /mystocks_breaker_opened_total\{upstream="store\.relational"\} 1/);

  pg.start();
  await new Promise((resolve) => setTimeout(resolve, 2100));  // the open timeout
  let recovered;
  for (let attempt = 0; attempt < 20; ++attempt) {
    recovered = await get(server.base, route);
    if (recovered.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
  assert.equal(await breakerState(server.base, operator), 'closed');
});

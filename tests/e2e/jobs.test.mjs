// End-to-end: ingest jobs over REST against `mystocks serve` with the simulator source: submit,
// follow progress to success, a re-run that stores nothing new (resumable), quality findings,
// and clear 400/404/409 answers for bad requests. Ingest jobs need the operator role.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, startServer } from './lib/server.mjs';

let auth = {};  // the operator's bearer header, once logged in

async function call(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? auth : { 'content-type': 'application/json', ...auth },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, location: response.headers.get('location'),
           body: await response.json() };
}

async function finished(base, id) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const { body } = await call(base, 'GET', `/api/v1/data/jobs/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(body.data.state)) return body.data;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`job ${id} did not finish in 60 s`);
}

test('jobs: submit, follow, re-run stores nothing new, bad requests are named', async (t) => {
  const server = await startServer({ env: { MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false',
    MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '20' }, users: { operator: 'operator' } });
  t.after(() => server.stop());
  auth = (await login(server.base, 'operator')).headers;
  const job = { dataset: 'daily', all: true, from: '2024-01-02', to: '2024-03-29' };
  const submitted = await call(server.base, 'POST', '/api/v1/data/jobs', job);
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
  assert.match(submitted.body.data.id, /^job-\d+$/);
  assert.equal(submitted.location, `/api/v1/data/jobs/${submitted.body.data.id}`);
  const done = await finished(server.base, submitted.body.data.id);
  assert.equal(done.state, 'succeeded', JSON.stringify(done));
  assert.ok(done.progress.rows_written > 20 * 50, JSON.stringify(done.progress));

  const again = await call(server.base, 'POST', '/api/v1/data/jobs', job);
  const rerun = await finished(server.base, again.body.data.id);
  assert.equal(rerun.state, 'succeeded');
  assert.equal(rerun.progress.rows_written, 0, 'everything was stored already');

  const listed = await call(server.base, 'GET', '/api/v1/data/jobs');
  assert.deepEqual(listed.body.data.map((j) => j.id).sort(),
    [submitted.body.data.id, again.body.data.id].sort());
  const tables = await call(server.base, 'GET', '/api/v1/data/tables');
  const daily = tables.body.data.find((table) => table.name === 'daily_kline');
  assert.equal(daily.rows, done.progress.rows_written);

  const bad = await call(server.base, 'POST', '/api/v1/data/jobs', { ...job, dataset: 'weekly' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errors[0].field, 'dataset');
  const reversed = await call(server.base, 'POST', '/api/v1/data/jobs',
    { ...job, from: '2024-03-29', to: '2024-01-02' });
  assert.equal(reversed.status, 400);
  const unknown = await call(server.base, 'GET', '/api/v1/data/jobs/job-999999');
  assert.equal(unknown.status, 404);
  const late = await call(server.base, 'POST', `/api/v1/data/jobs/${submitted.body.data.id}/cancel`);
  assert.equal(late.status, 409);
});

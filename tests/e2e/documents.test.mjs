// End-to-end: the generated documents pass the tools their formats are defined by —
// OpenAPI 3.1 through @apidevtools/swagger-parser, /metrics through `promtool check metrics`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import SwaggerParser from '@apidevtools/swagger-parser';
import { startServer } from './lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { assert.equal((await server.stop()).code, 0); });

test('/api/openapi.json is a valid OpenAPI 3.1 document describing the routes', async () => {
  const response = await fetch(`${server.base}/api/openapi.json`);
  assert.equal(response.status, 200);
  const doc = await response.json();
  assert.equal(doc.openapi, '3.1.0');
  await SwaggerParser.validate(structuredClone(doc));  // throws with the reason when invalid
  for (const path of ['/health', '/health/ready', '/metrics', '/api/openapi.json', '/api/v1/system/version']) {
    assert.ok(doc.paths[path]?.get, `${path} is documented`);
  }
  assert.ok(!doc.paths['/api/docs/{file}'], 'static assets are not API operations');
  // Authentication schemes, and the access rule (x-rbac) of every operation.
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['apiKeyAuth', 'bearerAuth', 'cookieAuth']);
  assert.equal(doc.components.securitySchemes.bearerAuth.scheme, 'bearer');
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      assert.equal(typeof op['x-rbac']?.resource, 'string', `${method} ${path} has x-rbac.resource`);
      assert.equal(typeof op['x-rbac']?.action, 'string', `${method} ${path} has x-rbac.action`);
    }
  }
  assert.deepEqual(doc.paths['/health'].get['x-rbac'], { resource: 'health', action: 'read' });
  assert.deepEqual(doc.paths['/api/v1/system/version'].get['x-rbac'], { resource: 'system', action: 'read' });
});

test('an invalid document is rejected by the same validator (the check can fail)', async () => {
  const doc = await (await fetch(`${server.base}/api/openapi.json`)).json();
  doc.paths['/health'].get.responses = 'not an object';
  await assert.rejects(SwaggerParser.validate(doc));
});

test('/metrics passes promtool check metrics', async () => {
  await fetch(`${server.base}/health`);  // make sure request series exist
  const response = await fetch(`${server.base}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  assert.match(text, /mystocks_http_requests_total\{method="GET",route="\/health",code="2xx"\} \d+/);
  assert.match(text, /mystocks_http_request_duration_seconds_bucket\{route="\/health",le="\+Inf"\}/);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.error, undefined, 'promtool is installed (scripts/setup)');
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
});

test('promtool rejects a broken exposition (the check can fail)', () => {
  const check = spawnSync('promtool', ['check', 'metrics'], {
    input: '# TYPE x counter\nx{a="1" 1\n', encoding: 'utf8' });
  assert.notEqual(check.status, 0);
});

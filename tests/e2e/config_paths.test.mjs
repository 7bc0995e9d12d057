// End-to-end: relative paths in a configuration file resolve against the file's directory, so
// the binary serves Swagger UI and the API when started from any working directory with an
// absolute --config; a missing asset directory is reported at start-up, naming key and path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sourceDir, startServer } from './lib/server.mjs';

const quiet = { MYSTOCKS_LOGGING_LEVEL: 'warn', MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '5' };

test('serve --config /abs/path from another directory finds tables, policy and Swagger UI', async () => {
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'mystocks-cwd-'));
  const server = await startServer({
    cwd: elsewhere, env: quiet, args: ['--config', path.join(sourceDir, 'config/mystocks.yaml')],
  });
  try {
    const bundle = await fetch(`${server.base}/api/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.ok((await bundle.arrayBuffer()).byteLength > 100000);
    const docs = await fetch(`${server.base}/api/openapi.json`);
    assert.equal(docs.status, 200);
    assert.doesNotMatch(server.stderr(), /swagger_ui_dir/);
  } finally {
    await server.stop();
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('a missing Swagger UI directory is a start-up warning naming the key and resolved path', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mystocks-conf-'));
  const shipped = readFileSync(path.join(sourceDir, 'config/mystocks.yaml'), 'utf8');
  // The copy lives elsewhere: its own relative paths now point next to it, where nothing is.
  const copy = shipped
    .replace('tables_file: "tables.yaml"', `tables_file: "${path.join(sourceDir, 'config/tables.yaml')}"`)
    .replace('policy_model: "rbac_model.conf"', `policy_model: "${path.join(sourceDir, 'config/rbac_model.conf')}"`)
    .replace('policy_file: "rbac_policy.csv"', `policy_file: "${path.join(sourceDir, 'config/rbac_policy.csv')}"`)
    .replace('swagger_ui_dir: "../node_modules/swagger-ui-dist"', 'swagger_ui_dir: "swagger"');
  writeFileSync(path.join(dir, 'mystocks.yaml'), copy);
  const server = await startServer({ env: quiet, args: ['--config', path.join(dir, 'mystocks.yaml')] });
  try {
    const bundle = await fetch(`${server.base}/api/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 404);
    const expected = `server.swagger_ui_dir '${path.join(dir, 'swagger')}' has no swagger-ui-bundle.js`;
    assert.ok(server.stderr().includes(expected), server.stderr());
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Encrypted secrets through the real binary: `mystocks admin encrypt-secret` makes enc:v1 values
// that the server decrypts at start (JWT signing keys here); a wrong master key stops start-up
// naming the setting and the key id, never printing the secret; the key file is created 0600.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { binary, login, runCli, sourceDir, startServer } from './lib/server.mjs';

function encrypt(secret, env) {
  return new Promise((resolve) => {
    const child = spawn(binary, ['admin', 'encrypt-secret'], { cwd: sourceDir, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('exit', (code) => resolve({ code, stdout: stdout.trim(), stderr }));
    child.stdin.end(`${secret}\n`);
  });
}

const masterKey = Buffer.alloc(32, 7).toString('base64');
const otherKey = Buffer.alloc(32, 9).toString('base64');
const jwtSecret = 'a-jwt-signing-secret-of-at-least-32-bytes!';

test('encrypted JWT keys are decrypted at start and used to sign tokens', async () => {
  const made = await encrypt(jwtSecret, { MYSTOCKS_MASTER_KEY: masterKey });
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /^enc:v1:[A-Za-z0-9+/=]+$/);
  assert.ok(!made.stdout.includes(jwtSecret));
  const server = await startServer({
    users: { viewer: 'viewer' },
    env: { MYSTOCKS_MASTER_KEY: masterKey, MYSTOCKS_SECURITY_JWT_KEYS: `rot1=${made.stdout}` },
  });
  try {
    const { token } = await login(server.base, 'viewer');
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    assert.equal(header.kid, 'rot1');
    assert.equal(header.alg, 'HS256');
    assert.ok(!server.stderr().includes(jwtSecret));
    const status = await fetch(`${server.base}/api/v1/system/status`);
    assert.ok(!(await status.text()).includes(jwtSecret));
  } finally {
    await server.stop();
  }
});

test('a wrong master key stops start-up naming the setting, never the value', async () => {
  const made = await encrypt(jwtSecret, { MYSTOCKS_MASTER_KEY: masterKey });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mystocks-secrets-'));
  try {
    const result = await runCli(['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
      env: { MYSTOCKS_MASTER_KEY: otherKey, MYSTOCKS_SECURITY_JWT_KEYS: `rot1=${made.stdout}` },
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /security\.jwt_keys \(key 'rot1'\).*cannot decrypt.*master key id/);
    assert.ok(!result.stderr.includes(jwtSecret));
    assert.ok(!result.stderr.includes(made.stdout));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the server creates its master key file with mode 0600 and refuses a readable one', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mystocks-secrets-'));
  const env = { MYSTOCKS_MASTER_KEY: '' };
  try {
    const listed = await runCli(['admin', 'user', 'list', '--data-dir', dataDir], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const keyFile = path.join(dataDir, 'master.key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    await runCli(['admin', 'user', 'list', '--data-dir', dataDir], { env });
    const { chmodSync } = await import('node:fs');
    chmodSync(keyFile, 0o644);
    const refused = await runCli(['admin', 'user', 'list', '--data-dir', dataDir], { env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /master\.key.*(0644|mode)/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('mystocks admin user: add, role, passwd, disable, list, with clear errors', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mystocks-users-'));
  const admin = (args, input) => new Promise((resolve) => {
    const child = spawn(binary, ['admin', 'user', ...args, '--data-dir', dataDir], { cwd: sourceDir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
  try {
    assert.equal((await admin(['add', 'zoe', '--role', 'viewer', '--password-stdin'], 'first-password\n')).code, 0);
    const duplicate = await admin(['add', 'zoe', '--role', 'viewer', '--password-stdin'], 'first-password\n');
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /already exists/);
    assert.match((await admin(['add', 'yan', '--role', 'root', '--password-stdin'], 'first-password\n')).stderr, /role 'root' is not known/);
    assert.match((await admin(['add', 'yan', '--role', 'viewer', '--password-stdin'], 'short\n')).stderr, /8 to 1024 bytes/);
    assert.equal((await admin(['role', 'zoe', 'trader'])).code, 0);
    assert.equal((await admin(['passwd', 'zoe', '--password-stdin'], 'second-password\n')).code, 0);
    assert.match((await admin(['list'])).stdout, /zoe\s+trader\s+active/);

    const server = await startServer({ args: ['--data-dir', dataDir] });
    try {
      const attempt = (password) => fetch(`${server.base}/api/v1/auth/login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'zoe', password }),
      });
      assert.equal((await attempt('first-password')).status, 401);
      const ok = await attempt('second-password');
      assert.equal(ok.status, 200);
      assert.equal((await ok.json()).data.user.role, 'trader');
      assert.equal((await admin(['disable', 'zoe'])).code, 0);  // while the server runs
      assert.equal((await attempt('second-password')).status, 401);
    } finally {
      await server.stop();
    }
    assert.match((await admin(['list'])).stdout, /zoe\s+trader\s+disabled/);
    assert.match((await admin(['passwd', 'nobody', '--password-stdin'], 'whatever-pass\n')).stderr, /no user named 'nobody'/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

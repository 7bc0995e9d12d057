// Starts the real mystocks binary for end-to-end tests: a private data dir, port 0, and the
// "MYSTOCKS_LISTENING <url>" line on stdout to learn the address. Always stopped afterwards.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Absolute, so a test may start it from another working directory.
export const binary = path.resolve(process.env.MYSTOCKS_BIN ?? path.join(sourceDir, 'build-debug/src/cli/mystocks'));

export function runCli(args, { env = {}, cwd = sourceDir } = {}) {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// Test accounts: name -> role, all with this password. startServer({users}) creates them with
// `mystocks admin user add` before the server starts.
export const testPassword = 'e2e-password-1';
export const testUsers = { viewer: 'viewer', trader: 'trader', operator: 'operator', admin: 'admin' };

async function addUsers(dataDir, users, env) {
  for (const [name, role] of Object.entries(users)) {
    const result = await new Promise((resolve) => {
      const child = spawn(binary, ['admin', 'user', 'add', name, '--role', role, '--password-stdin',
        '--data-dir', dataDir], { cwd: sourceDir, env: { ...process.env, ...env } });
      let stderr = '';
      child.stderr.on('data', (chunk) => { stderr += chunk; });
      child.on('exit', (code) => resolve({ code, stderr }));
      child.stdin.end(`${testPassword}\n`);
    });
    if (result.code !== 0) throw new Error(`admin user add ${name} failed: ${result.stderr}`);
  }
}

export async function startServer({ args = [], env = {}, command = 'serve', users = null,
                                    cwd = sourceDir } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mystocks-e2e-'));
  const storeArgs = command === 'socketio-conformance' ? [] : ['--data-dir', dataDir];
  if (users) {
    // The accounts go where the server will look: the last --data-dir wins, and `mystocks demo`
    // keeps its stores under <data-dir>/demo.
    const dirFlag = args.lastIndexOf('--data-dir');
    const serverDir = dirFlag >= 0 ? args[dirFlag + 1] : dataDir;
    const storeDir = command === 'demo' ? path.join(serverDir, 'demo') : serverDir;
    try {
      mkdirSync(storeDir, { recursive: true, mode: 0o700 });  // `admin user add` needs it to exist
      await addUsers(storeDir, users, env);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  const child = spawn(binary, [command, '--listen', '127.0.0.1:0', ...storeArgs, ...args], {
    cwd,
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${stderr}`)), 20000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /MYSTOCKS_LISTENING (\S+)/.exec(stdout);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${stderr}`)); });
  });
  const url = new URL(base);
  return {
    base,
    host: url.hostname,
    port: Number(url.port),
    dataDir,
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const result = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}

// Small demo data sets keep the sanitizer build's seeding within seconds; tests that need more
// pass their own MYSTOCKS_SOURCES_* values in `env`.
export const smallDemo = {
  MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '20',
  MYSTOCKS_SOURCES_DEMO_DAILY_DAYS: '120',
  MYSTOCKS_SOURCES_DEMO_MINUTE_DAYS: '2',
  MYSTOCKS_SOURCES_DEMO_TICK_DAYS: '1',
  MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false',
};

// Waits until GET /health/ready answers 200 (the demo has seeded its data) or the deadline.
export async function waitReady(base, timeoutMs = 120000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/health/ready`);
      last = await response.text();
      if (response.status === 200) return JSON.parse(last);
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready within ${timeoutMs} ms: ${last}`);
}

// `mystocks demo` on a private data dir with smallDemo (plus `env`), once its data is seeded.
// The demo creates its own accounts (demo, admin; demoPassword); `users` adds test accounts.
export async function startDemo({ args = [], env = {}, users = null } = {}) {
  const server = await startServer({ command: 'demo', args, env: { ...smallDemo, ...env }, users });
  try {
    await waitReady(server.base);
  } catch (error) {
    await server.stop();
    throw new Error(`${error.message}\n${server.stderr()}`);
  }
  return server;
}

// Logs in and returns {token, refresh, headers} where headers carry the bearer token.
export async function login(base, username, password = testPassword) {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(body)}`);
  return {
    token: body.data.access_token,
    refresh: body.data.refresh_token,
    headers: { Authorization: `Bearer ${body.data.access_token}` },
  };
}

// The demo's accounts (mystocks demo creates them).
export const demoPassword = 'mystocks-demo';

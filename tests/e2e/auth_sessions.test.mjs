// Browser sessions and realtime identity through the real binary: login into HttpOnly
// SameSite=Strict cookies, single-use CSRF tokens bound to the session, and Socket.IO CONNECT
// with tokens: anonymous and signed-in rooms, refused tokens, expiry, and policy reload by SIGHUP.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { connect, connected, once } from './lib/realtime.mjs';
import { login, sourceDir, startServer, testPassword, testUsers } from './lib/server.mjs';

let server;
const policyDir = mkdtempSync(path.join(tmpdir(), 'mystocks-policy-'));
const policyFile = path.join(policyDir, 'rbac_policy.csv');

before(async () => {
  copyFileSync(path.join(sourceDir, 'config/rbac_policy.csv'), policyFile);
  server = await startServer({
    users: testUsers,
    env: { MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false', MYSTOCKS_SECURITY_POLICY_FILE: policyFile },
  });
});
after(async () => { await server?.stop(); });

async function cookieLogin(username) {
  const response = await fetch(`${server.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: testPassword, cookie: true }),
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  const cookies = response.headers.getSetCookie();
  return { body, cookies, cookie: cookies.map((line) => line.split(';')[0]).join('; ') };
}

async function send(method, target, headers = {}, body) {
  const response = await fetch(`${server.base}${target}`, {
    method, headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

test('a cookie login sets HttpOnly SameSite=Strict cookies and hides the tokens from scripts', async () => {
  const { body, cookies } = await cookieLogin('viewer');
  assert.equal(body.data.access_token, null);
  assert.equal(body.data.refresh_token, undefined);
  assert.equal(cookies.length, 2);
  for (const line of cookies) {
    assert.match(line, /HttpOnly/);
    assert.match(line, /SameSite=Strict/);
    assert.doesNotMatch(line, /Secure/);  // plain HTTP on loopback; behind TLS it is set
  }
  assert.match(cookies.find((line) => line.startsWith('mystocks_refresh=')), /Path=\/api\/v1\/auth/);
});

test('unsafe cookie requests need a single-use CSRF token of their own session', async () => {
  const session = await cookieLogin('viewer');
  const other = await cookieLogin('viewer');
  const me = await send('GET', '/api/v1/auth/me', { Cookie: session.cookie });
  assert.equal(me.body.data.auth_method, 'cookie');

  const missing = await send('POST', '/api/v1/watchlists', { Cookie: session.cookie }, { name: 'c1' });
  assert.equal(missing.status, 403);
  assert.match(missing.body.message, /missing CSRF token/);

  const token = (await send('GET', '/api/v1/auth/csrf', { Cookie: session.cookie })).body.data.csrf_token;
  const ok = await send('POST', '/api/v1/watchlists', { Cookie: session.cookie, 'X-CSRF-Token': token }, { name: 'c1' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const reused = await send('POST', '/api/v1/watchlists', { Cookie: session.cookie, 'X-CSRF-Token': token }, { name: 'c2' });
  assert.equal(reused.status, 403);
  assert.match(reused.body.message, /already used/);

  const foreign = (await send('GET', '/api/v1/auth/csrf', { Cookie: other.cookie })).body.data.csrf_token;
  const crossed = await send('POST', '/api/v1/watchlists', { Cookie: session.cookie, 'X-CSRF-Token': foreign }, { name: 'c3' });
  assert.equal(crossed.status, 403);
  assert.match(crossed.body.message, /another session/);

  // Safe methods and bearer requests need none.
  assert.equal((await send('GET', '/api/v1/watchlists', { Cookie: session.cookie })).status, 200);
  const { headers } = await login(server.base, 'viewer');
  assert.equal((await send('POST', '/api/v1/watchlists', headers, { name: 'bearer' })).status, 200);
  assert.equal((await send('GET', '/api/v1/auth/csrf', headers)).status, 409);
});

test('the refresh cookie renews the session cookies', async () => {
  const session = await cookieLogin('viewer');
  const refresh = session.cookies.find((line) => line.startsWith('mystocks_refresh=')).split(';')[0];
  const response = await fetch(`${server.base}/api/v1/auth/refresh`, { method: 'POST', headers: { Cookie: refresh } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.getSetCookie().length, 2);
});

function subscribe(socket, room) {
  return socket.timeout(5000).emitWithAck('subscribe', { room });
}

test('Socket.IO: anonymous sockets get public rooms; depth rooms need a trader token', async () => {
  const anonymous = await connected(connect(server.base));
  try {
    const quote = await subscribe(anonymous, 'quote:600519');
    assert.equal(quote.room, 'quote:600519.SH');
    const depth = await subscribe(anonymous, 'depth:600519');
    assert.ok(depth.error_code, JSON.stringify(depth));
    assert.match(depth.message, /signed-in user/);
  } finally {
    anonymous.close();
  }
  const viewer = await connected(connect(server.base, { auth: { token: (await login(server.base, 'viewer')).token } }));
  const trader = await connected(connect(server.base, { auth: { token: (await login(server.base, 'trader')).token } }));
  try {
    assert.equal((await subscribe(viewer, 'depth:600519')).error_code, 'PERMISSION_DENIED');
    const allowed = await subscribe(trader, 'depth:600519');
    assert.equal(allowed.room, 'depth:600519.SH', JSON.stringify(allowed));
  } finally {
    viewer.close();
    trader.close();
  }
  const { headers } = await login(server.base, 'admin');
  const audit = await send('GET', '/api/v1/admin/audit?action=socket:join&outcome=denied', headers);
  assert.ok(audit.body.data.some((row) => row.action === 'socket:join depth:600519.SH' && row.username === 'viewer'),
    JSON.stringify(audit.body.data));
});

test('Socket.IO: operator-only events are checked against the policy', async () => {
  const update = { kind: 'quote', symbol: '600519', data: { last: 1 } };
  const trader = await connected(connect(server.base, { auth: { token: (await login(server.base, 'trader')).token } }));
  const operator = await connected(connect(server.base, { auth: { token: (await login(server.base, 'operator')).token } }));
  try {
    const refused = await trader.timeout(5000).emitWithAck('publish', update);
    assert.equal(refused.error.error_code, 'PERMISSION_DENIED', JSON.stringify(refused));
    const published = await operator.timeout(5000).emitWithAck('publish', update);
    assert.equal(published.room, 'quote:600519.SH', JSON.stringify(published));
  } finally {
    trader.close();
    operator.close();
  }
});

test('Socket.IO: a bad token gets connect_error with the reason', async () => {
  for (const [token, reason] of [['not.a.jwt', /malformed token/], [42, /must be a string/]]) {
    const socket = connect(server.base, { auth: { token } });
    const [error] = await once(socket, 'connect_error');
    assert.match(error.message, /^unauthorized: /);
    assert.match(error.message, reason);
    socket.close();
  }
});

test('SIGHUP reloads the policy without dropping connections; a broken policy keeps the old one', async () => {
  const socket = await connected(connect(server.base));
  try {
    assert.ok((await subscribe(socket, 'depth:000001')).error_code);
    appendFileSync(policyFile, '\np, anonymous, room:depth:*, join, allow\n');
    server.child.kill('SIGHUP');
    let reply;
    for (let attempt = 0; attempt < 50; ++attempt) {
      reply = await subscribe(socket, 'depth:000001');
      if (!reply.error_code) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(reply.room, 'depth:000001.SZ', JSON.stringify(reply));
    assert.ok(socket.connected);

    writeFileSync(policyFile, `${readFileSync(policyFile, 'utf8')}\np, anonymous\n`);
    server.child.kill('SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.match(server.stderr(), /policy reload failed.*rbac_policy\.csv:\d+/);
    assert.equal((await subscribe(socket, 'depth:000002')).room, 'depth:000002.SZ');
  } finally {
    socket.close();
  }
});

test('Socket.IO: an expired token ends the namespace with auth_expired', async () => {
  const short = await startServer({
    users: { trader: 'trader' },
    env: {
      MYSTOCKS_SECURITY_ACCESS_TOKEN_TTL_SECONDS: '10',
      MYSTOCKS_SECURITY_CLOCK_SKEW_SECONDS: '0',
      MYSTOCKS_REALTIME_PING_INTERVAL_MS: '1000',
      MYSTOCKS_REALTIME_PING_TIMEOUT_MS: '1000',
    },
  });
  try {
    const socket = await connected(connect(short.base, { auth: { token: (await login(short.base, 'trader')).token } }));
    const disconnected = once(socket, 'disconnect', 15000);
    const [notice] = await once(socket, 'auth_expired', 15000);
    assert.match(notice.message, /expired/);
    const [reason] = await disconnected;
    assert.equal(reason, 'io server disconnect');
    socket.close();
  } finally {
    await short.stop();
  }
});

// Identity and access through the real binary: the authorization matrix generated from the
// route registry (every route x anonymous, viewer, trader, operator, admin, expired token)
// against an independent reading of the shipped policy; JWT attacks; refresh rotation and
// reuse; logout; data isolation between users; login throttling; the audit log.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { login, startServer, testPassword, testUsers } from './lib/server.mjs';
import { loadPolicy } from './lib/policy.mjs';

const users = { ...testUsers, trader2: 'trader' };
let server;
const tokens = {};

async function call(base, method, path, { headers = {}, body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* raw documents */ }
  return { status: response.status, headers: response.headers, body: json, text };
}

const bearer = (token) => ({ Authorization: `Bearer ${token}` });

before(async () => {
  server = await startServer({ users, env: { MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false' } });
  for (const name of Object.keys(users)) tokens[name] = (await login(server.base, name)).token;
});
after(async () => { await server?.stop(); });

// Every documented operation with its declared access rule, path parameters filled in.
async function operations(base) {
  const doc = (await call(base, 'GET', '/api/openapi.json')).body;
  const fill = { symbol: '600519.SH', id: 'no-such-id', name: 'ma', file: 'index.html' };
  const list = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      assert.ok(op['x-rbac']?.resource && op['x-rbac']?.action, `${method} ${template} declares its access rule`);
      const path = template.replace(/\{(\w+)\}/g, (_, name) => fill[name] ?? 'x');
      list.push({ method: method.toUpperCase(), template, path, ...op['x-rbac'] });
    }
  }
  return list;
}

// Logout ends the caller's session and refresh answers 401 without a token by design: both are
// checked on their own below, not in the matrix.
const outsideMatrix = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/auth/refresh']);

test('every route answers each role as the policy says (401 anonymous, 403 signed in)', async () => {
  const policy = loadPolicy();
  const ops = (await operations(server.base)).filter((op) => !outsideMatrix.has(`${op.method} ${op.template}`));
  assert.ok(ops.length >= 40, `the registry documents ${ops.length} operations`);
  const identities = { anonymous: null, viewer: 'viewer', trader: 'trader', operator: 'operator', admin: 'admin' };
  const mismatches = [];
  for (const op of ops) {
    const body = ['POST', 'PUT', 'PATCH'].includes(op.method) ? {} : undefined;
    for (const [role, user] of Object.entries(identities)) {
      const headers = user ? bearer(tokens[user]) : {};
      const { status } = await call(server.base, op.method, op.path, { headers, body });
      const allowed = policy.allowed(role, op.resource, op.action);
      const expected = allowed ? 'not 401/403' : role === 'anonymous' ? 401 : 403;
      const ok = allowed ? status !== 401 && status !== 403 : status === expected;
      if (!ok) mismatches.push(`${role} ${op.method} ${op.path} (${op.resource}/${op.action}): ${status}, expected ${expected}`);
    }
  }
  assert.deepEqual(mismatches, []);
});

test("another user's token reaches none of this user's data", async () => {
  const created = await call(server.base, 'POST', '/api/v1/watchlists', { headers: bearer(tokens.trader), body: { name: 'mine' } });
  assert.equal(created.status, 200, created.text);
  const id = created.body.data.id;
  assert.equal((await call(server.base, 'GET', `/api/v1/watchlists/${id}`, { headers: bearer(tokens.trader) })).status, 200);
  assert.equal((await call(server.base, 'GET', `/api/v1/watchlists/${id}`, { headers: bearer(tokens.trader2) })).status, 404);
  assert.equal((await call(server.base, 'DELETE', `/api/v1/watchlists/${id}`, { headers: bearer(tokens.trader2) })).status, 404);
  assert.equal((await call(server.base, 'GET', '/api/v1/watchlists', { headers: bearer(tokens.trader2) })).body.data.length, 0);
  // The old impersonation header means nothing now.
  const spoofed = await call(server.base, 'GET', '/api/v1/watchlists', { headers: { 'X-User-Id': 'trader' } });
  assert.equal(spoofed.status, 401);
});

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

test('forged and tampered tokens are refused with a reason', async () => {
  const [header, payload] = tokens.admin.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const sign = (h, p, key) => `${h}.${p}.${createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')}`;
  const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid;
  const viewerParts = tokens.viewer.split('.');
  const promoted = b64url({ ...JSON.parse(Buffer.from(viewerParts[1], 'base64url').toString()), roles: ['admin'] });
  const cases = {
    'algorithm \'none\' not accepted': `${b64url({ alg: 'none', typ: 'JWT', kid })}.${payload}.`,
    'algorithm \'HS512\' not accepted': sign(b64url({ alg: 'HS512', typ: 'JWT', kid }), payload, 'x'.repeat(32)),
    'bad signature': sign(header, payload, 'a-key-the-server-never-had-0123456789'),
    "unknown key id 'k9'": sign(b64url({ alg: 'HS256', typ: 'JWT', kid: 'k9' }), payload, 'x'.repeat(32)),
    'token expired': sign(header, b64url({ ...claims, exp: claims.iat - 3600 }), 'x'.repeat(32)),
    'bad signature ': `${viewerParts[0]}.${promoted}.${viewerParts[2]}`,
    'malformed token': 'not.a.jwt',
  };
  for (const [reason, token] of Object.entries(cases)) {
    const reply = await call(server.base, 'GET', '/api/v1/auth/me', { headers: bearer(token) });
    assert.equal(reply.status, 401, reason);
    assert.match(reply.headers.get('www-authenticate'), /invalid_token/);
    // An expired token forged with a wrong key fails at the signature: either reason refuses it.
    const expected = reason === 'token expired' ? /bad signature|token expired/ : new RegExp(reason.trim().replace(/[()']/g, '.'));
    assert.match(reply.body.message, expected, reason);
  }
  // Even on a route anonymous callers may use, bad credentials are refused rather than ignored.
  assert.equal((await call(server.base, 'GET', '/api/v1/market/symbols', { headers: bearer('x.y.z') })).status, 401);
  assert.equal((await call(server.base, 'GET', '/api/v1/auth/me', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } })).status, 401);
});

test('refresh rotates; a reused refresh token revokes the whole session; logout ends it', async () => {
  const session = await login(server.base, 'viewer');
  const rotated = await call(server.base, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: session.refresh } });
  assert.equal(rotated.status, 200, rotated.text);
  const next = rotated.body.data;
  assert.notEqual(next.refresh_token, session.refresh);
  assert.equal((await call(server.base, 'GET', '/api/v1/auth/me', { headers: bearer(next.access_token) })).body.data.username, 'viewer');

  const reused = await call(server.base, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: session.refresh } });
  assert.equal(reused.status, 401);
  assert.match(reused.body.message, /already used/);
  assert.equal((await call(server.base, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: next.refresh_token } })).status, 401);
  const revoked = await call(server.base, 'GET', '/api/v1/auth/me', { headers: bearer(next.access_token) });
  assert.equal(revoked.status, 401);
  assert.match(revoked.body.message, /logged out/);

  const other = await login(server.base, 'viewer');
  const out = await call(server.base, 'POST', '/api/v1/auth/logout', { headers: bearer(other.token) });
  assert.equal(out.status, 200, out.text);
  assert.equal((await call(server.base, 'GET', '/api/v1/auth/me', { headers: bearer(other.token) })).status, 401);
  assert.equal((await call(server.base, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: other.refresh } })).status, 401);
  // Other sessions of the same user are untouched.
  assert.equal((await call(server.base, 'GET', '/api/v1/auth/me', { headers: bearer(tokens.viewer) })).status, 200);
});

test('ingest jobs are bounded per role in symbol-days', async () => {
  const job = { dataset: 'daily', all: true, from: '2024-01-01', to: '2024-12-31' };
  const big = await call(server.base, 'POST', '/api/v1/data/jobs', { headers: bearer(tokens.operator), body: job });
  assert.equal(big.status, 403, big.text);
  assert.match(big.body.message, /symbol-days.*job_max_symbol_days/);
  const small = { dataset: 'daily', symbols: ['600519.SH'], from: '2024-01-01', to: '2024-01-31' };
  const accepted = await call(server.base, 'POST', '/api/v1/data/jobs', { headers: bearer(tokens.operator), body: small });
  assert.equal(accepted.status, 202, accepted.text);
  assert.equal(accepted.headers.get('location'), `/api/v1/data/jobs/${accepted.body.data.id}`);
  // admin has no limit (security.job_max_symbol_days: admin=0); cancel it right away.
  const unbounded = await call(server.base, 'POST', '/api/v1/data/jobs', { headers: bearer(tokens.admin), body: job });
  assert.equal(unbounded.status, 202, unbounded.text);
  await call(server.base, 'POST', `/api/v1/data/jobs/${unbounded.body.data.id}/cancel`, { headers: bearer(tokens.admin) });
});

test('wrong passwords are throttled per user and address, with Retry-After', async () => {
  const attempt = (password) => call(server.base, 'POST', '/api/v1/auth/login', { body: { username: 'trader2', password } });
  for (let i = 0; i < 3; ++i) {
    const wrong = await attempt('not-the-password');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.message, 'invalid username or password');
  }
  assert.equal((await attempt('not-the-password')).status, 401);  // the 4th failure starts the delays
  const throttled = await attempt(testPassword);
  assert.equal(throttled.status, 429);
  assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
  const unknown = await call(server.base, 'POST', '/api/v1/auth/login', { body: { username: 'nobody-at-all', password: 'whatever-1' } });
  assert.ok([401, 429].includes(unknown.status));  // the address is throttled too
  await sleep(2100);
  assert.equal((await attempt(testPassword)).status, 200);
  const metrics = (await call(server.base, 'GET', '/metrics')).text;
  assert.match(metrics, /mystocks_auth_login_throttled_total [1-9]/);
});

test('the audit log records logins, refusals and writes; only admins read it', async () => {
  await call(server.base, 'POST', '/api/v1/watchlists', { headers: bearer(tokens.viewer), body: { name: 'audited' } });
  await call(server.base, 'GET', '/api/v1/data/jobs', { headers: bearer(tokens.trader) });  // 403
  assert.equal((await call(server.base, 'GET', '/api/v1/admin/audit', { headers: bearer(tokens.operator) })).status, 403);
  const page = await call(server.base, 'GET', '/api/v1/admin/audit?size=1000', { headers: bearer(tokens.admin) });
  assert.equal(page.status, 200, page.text);
  const rows = page.body.data;
  const has = (predicate, what) => assert.ok(rows.some(predicate), `audit has ${what}`);
  has((row) => row.action === 'login' && row.outcome === 'ok' && row.username === 'viewer', 'a login');
  has((row) => row.action === 'login' && row.outcome === 'failed', 'a failed login');
  has((row) => row.action === 'POST /api/v1/watchlists' && row.outcome === 'ok' && row.username === 'viewer' && row.request_id, 'a write');
  has((row) => row.action === 'GET /api/v1/data/jobs' && row.outcome === 'denied' && row.http_status === 403, 'a refusal');
  const denied = await call(server.base, 'GET', '/api/v1/admin/audit?outcome=denied', { headers: bearer(tokens.admin) });
  assert.ok(denied.body.data.every((row) => row.outcome === 'denied'));
});

test('an expired access token is refused on every route, anonymous ones included', async () => {
  const short = await startServer({
    users: { viewer: 'viewer' },
    env: { MYSTOCKS_SECURITY_ACCESS_TOKEN_TTL_SECONDS: '10', MYSTOCKS_SECURITY_CLOCK_SKEW_SECONDS: '0', MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false' },
  });
  try {
    const { token } = await login(short.base, 'viewer');
    assert.equal((await call(short.base, 'GET', '/api/v1/auth/me', { headers: bearer(token) })).status, 200);
    await sleep(11000);
    const failures = [];
    for (const op of await operations(short.base)) {
      const body = ['POST', 'PUT', 'PATCH'].includes(op.method) ? {} : undefined;
      const reply = await call(short.base, op.method, op.path, { headers: bearer(token), body });
      if (reply.status !== 401 || !/token expired/.test(reply.body?.message ?? '')) failures.push(`${op.method} ${op.path}: ${reply.status}`);
    }
    assert.deepEqual(failures, []);
  } finally {
    await short.stop();
  }
});

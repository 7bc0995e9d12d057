// API keys and HMAC request signing through the real binary: the signing examples of
// docs/security.md (Python, JavaScript, curl + openssl) run against the server, and every way a
// signed request can be wrong is refused: bad signature, stale timestamp, replayed nonce,
// altered body, query or method, revoked key.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { login, sourceDir, startServer, testUsers } from './lib/server.mjs';

const run = promisify(execFile);
let server;
let key;  // {key_id, secret} of a trader's API key

before(async () => {
  server = await startServer({ users: testUsers, env: { MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED: 'false' } });
  const { headers } = await login(server.base, 'trader');
  const created = await fetch(`${server.base}/api/v1/auth/api-keys`, {
    method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'e2e' }),
  });
  assert.equal(created.status, 200);
  key = (await created.json()).data;
});
after(async () => { await server?.stop(); });

const encode = (text) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

// Builds the signed headers independently of the docs' examples.
function signed(method, target, body = '', { timestamp = Date.now(), nonce = randomBytes(12).toString('hex'), secret = key.secret } = {}) {
  const url = new URL(target, 'http://x');
  const query = [...url.searchParams].map(([n, v]) => [encode(n), encode(v)]).sort().map(([n, v]) => `${n}=${v}`).join('&');
  const canonical = [method, url.pathname, query, String(timestamp), nonce, createHash('sha256').update(body).digest('hex')].join('\n');
  return {
    'X-API-Key': key.key_id,
    'X-Timestamp': String(timestamp),
    'X-Nonce': nonce,
    'X-Signature': createHmac('sha256', secret).update(canonical).digest('hex'),
  };
}

async function send(method, target, headers, body) {
  const response = await fetch(`${server.base}${target}`, {
    method, headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body || undefined,
  });
  return { status: response.status, body: await response.json() };
}

test('the secret is shown once; keys are listed without it', async () => {
  assert.match(key.key_id, /^mk_/);
  assert.ok(key.secret.length >= 40);
  const { headers } = await login(server.base, 'trader');
  const list = await send('GET', '/api/v1/auth/api-keys', headers);
  assert.equal(list.status, 200);
  assert.equal(list.body.data.length, 1);
  assert.equal(list.body.data[0].secret, undefined);
});

test('a signed request acts as the key owner with the owner\'s role', async () => {
  const me = await send('GET', '/api/v1/auth/me', signed('GET', '/api/v1/auth/me'));
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.data.username, 'trader');
  assert.equal(me.body.data.auth_method, 'api_key');
  const target = '/api/v1/orders?size=5&status=new';
  assert.equal((await send('GET', target, signed('GET', target))).status, 200);
  assert.equal((await send('GET', '/api/v1/data/jobs', signed('GET', '/api/v1/data/jobs'))).status, 403);
  const body = JSON.stringify({ name: 'signed list' });
  assert.equal((await send('POST', '/api/v1/watchlists', signed('POST', '/api/v1/watchlists', body), body)).status, 200);
});

test('wrong, stale, replayed and altered requests are refused with a reason', async () => {
  const reason = async (expected, method, target, headers, body) => {
    const reply = await send(method, target, headers, body);
    assert.equal(reply.status, 401, `${expected}: ${JSON.stringify(reply.body)}`);
    assert.match(reply.body.message, expected);
  };
  await reason(/bad signature/, 'GET', '/api/v1/orders', signed('GET', '/api/v1/orders', '', { secret: 'wrong-secret' }));
  await reason(/stale timestamp/, 'GET', '/api/v1/orders', signed('GET', '/api/v1/orders', '', { timestamp: Date.now() - 6 * 60 * 1000 }));
  await reason(/stale timestamp/, 'GET', '/api/v1/orders', signed('GET', '/api/v1/orders', '', { timestamp: Date.now() + 6 * 60 * 1000 }));
  const once = signed('GET', '/api/v1/orders');
  assert.equal((await send('GET', '/api/v1/orders', once)).status, 200);
  await reason(/nonce already used/, 'GET', '/api/v1/orders', once);
  await reason(/bad signature/, 'GET', '/api/v1/orders?size=2', signed('GET', '/api/v1/orders?size=1'));
  await reason(/bad signature/, 'DELETE', '/api/v1/auth/api-keys/x', signed('GET', '/api/v1/auth/api-keys/x'));
  const body = JSON.stringify({ name: 'a' });
  await reason(/bad signature/, 'POST', '/api/v1/watchlists', signed('POST', '/api/v1/watchlists', body), JSON.stringify({ name: 'b' }));
  await reason(/malformed nonce/, 'GET', '/api/v1/orders', signed('GET', '/api/v1/orders', '', { nonce: 'x' }));
  await reason(/unknown or revoked API key/, 'GET', '/api/v1/orders', { ...signed('GET', '/api/v1/orders'), 'X-API-Key': 'mk_nope' });
});

test('the docs\' Python, JavaScript and curl + openssl examples sign correctly', async () => {
  const env = { ...process.env, MYSTOCKS_API_KEY: key.key_id, MYSTOCKS_API_SECRET: key.secret };
  const examples = path.join(sourceDir, 'docs/examples');
  const url = `${server.base}/api/v1/orders?status=new&size=5`;
  const python = await run('python3', [path.join(examples, 'sign_request.py'), 'GET', url], { env });
  assert.match(python.stdout, /^200\n.*"success":true/s, python.stdout);
  const node = await run(process.execPath, [path.join(examples, 'sign_request.mjs'), 'GET', url], { env });
  assert.match(node.stdout, /^200\n.*"success":true/s, node.stdout);
  const shell = await run('bash', [path.join(examples, 'sign_request.sh'), 'GET', server.base, '/api/v1/orders', 'size=5&status=new'], { env });
  assert.match(shell.stdout, /"success":true.*\n200\n$/s, shell.stdout);
  const posted = await run('python3', [path.join(examples, 'sign_request.py'), 'POST', `${server.base}/api/v1/watchlists`, '{"name":"from python"}'], { env });
  assert.match(posted.stdout, /^200\n/, posted.stdout);
  const curlPost = await run('bash', [path.join(examples, 'sign_request.sh'), 'POST', server.base, '/api/v1/watchlists', '', '{"name":"from curl"}'], { env });
  assert.match(curlPost.stdout, /\n200\n$/, curlPost.stdout);
});

test('a revoked key stops working at once', async () => {
  const { headers } = await login(server.base, 'trader');
  const other = await login(server.base, 'viewer');
  assert.equal((await send('DELETE', `/api/v1/auth/api-keys/${key.key_id}`, other.headers)).status, 404);
  assert.equal((await send('DELETE', `/api/v1/auth/api-keys/${key.key_id}`, headers)).status, 200);
  const reply = await send('GET', '/api/v1/auth/me', signed('GET', '/api/v1/auth/me'));
  assert.equal(reply.status, 401);
  assert.match(reply.body.message, /unknown or revoked/);
});

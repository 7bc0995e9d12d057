#!/usr/bin/env node
// Send a request signed with a MyStocks API key (docs/security.md, "Signing requests").
// Usage: MYSTOCKS_API_KEY=... MYSTOCKS_API_SECRET=... node sign_request.mjs METHOD URL [JSON_BODY]
// Prints the HTTP status and the response body. Node 18+ (fetch, node:crypto), no packages.
import { createHash, createHmac, randomBytes } from 'node:crypto';

// RFC 3986: everything but A-Z a-z 0-9 - . _ ~ as %XX (encodeURIComponent leaves !'()* alone).
const encode = (text) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function canonicalQuery(searchParams) {
  const pairs = [...searchParams].map(([name, value]) => [encode(name), encode(value)]);
  pairs.sort(([n1, v1], [n2, v2]) => (n1 < n2 ? -1 : n1 > n2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

export function signature(secret, method, url, timestamp, nonce, body) {
  const canonical = [method.toUpperCase(), url.pathname, canonicalQuery(url.searchParams),
    String(timestamp), nonce, createHash('sha256').update(body).digest('hex')].join('\n');
  return createHmac('sha256', secret).update(canonical).digest('hex');
}

const [method, target, body = ''] = process.argv.slice(2);
const url = new URL(target);
const timestamp = Date.now();
const nonce = randomBytes(16).toString('base64url');
const response = await fetch(url, {
  method: method.toUpperCase(),
  body: body || undefined,
  headers: {
    'X-API-Key': process.env.MYSTOCKS_API_KEY,
    'X-Timestamp': String(timestamp),
    'X-Nonce': nonce,
    'X-Signature': signature(process.env.MYSTOCKS_API_SECRET, method, url, timestamp, nonce, body),
    ...(body ? { 'Content-Type': 'application/json' } : {}),
  },
});
console.log(response.status);
console.log(await response.text());

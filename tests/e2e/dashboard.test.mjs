// End-to-end: the web dashboard (web/, docs/dashboard.md) in headless Chromium (playwright-core
// driving Debian's /usr/bin/chromium) against the real binary on the small demo data set.
// Checks the static routes' caching, sign-in (and its refusal), that every page renders without
// console errors at desktop and phone width, that the chart shows the bars the API serves, that
// a live 1-minute bar moves it, that an order placed in the page exists in the API, and that a
// market order placed there fills and shows in the positions and fills tables.
// Screenshots go to $MYSTOCKS_SCREENSHOTS or a fresh temp directory, printed in the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { demoPassword, login, sourceDir, startDemo } from './lib/server.mjs';

const chromiumPath = process.env.MYSTOCKS_CHROMIUM ?? '/usr/bin/chromium';
const shots = process.env.MYSTOCKS_SCREENSHOTS ?? mkdtempSync(path.join(tmpdir(), 'mystocks-dashboard-'));
let server;
let browser;
let admin;  // API session of the demo's admin, to check what the page shows
let stock;  // a listed stock of the demo
const consoleErrors = [];

before(async () => {
  assert.ok(existsSync(path.join(sourceDir, 'web/dist/index.html')),
    'web/dist/index.html missing: build the CMake target "dashboard" (or run node web/build.mjs)');
  assert.ok(existsSync(chromiumPath), `${chromiumPath} missing: apt-get install chromium (scripts/setup)`);
  mkdirSync(shots, { recursive: true });
  console.log(`dashboard screenshots: ${shots}`);
  server = await startDemo();
  admin = await login(server.base, 'admin', demoPassword);
  const symbols = await (await fetch(`${server.base}/api/v1/market/symbols?security_type=stock&size=50`)).json();
  stock = symbols.data.find((row) => !row.is_st).symbol;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
});

after(async () => {
  await browser?.close();
  if (server) assert.equal((await server.stop()).code, 0);
});

async function api(pathAndQuery, init = {}) {
  const response = await fetch(`${server.base}${pathAndQuery}`, { ...init, headers: { ...admin.headers, ...init.headers } });
  const body = await response.json();
  assert.equal(response.status, 200, `${pathAndQuery}: ${JSON.stringify(body)}`);
  return body.data;
}

// A page whose console errors and uncaught exceptions are collected; `expected` filters the
// ones a test provokes on purpose (a refused login logs its 401).
async function openPage({ width = 1280, height = 800, expected = [] } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected.some((pattern) => pattern.test(message.text()))) {
      consoleErrors.push(`${page.url()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: uncaught ${error.message}`));
  return page;
}

async function signIn(page, username = 'admin', password = demoPassword) {
  await page.goto(`${server.base}/#/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('#view[data-page=overview]');
}

async function assertFits(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${label} is ${overflow} px wider than the ${page.viewportSize().width} px window`);
}

const shot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

test('static routes: index.html revalidated, hashed assets immutable, names confined', async () => {
  const index = await fetch(`${server.base}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const html = await index.text();
  const script = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
  assert.ok(script, html);
  const again = await fetch(`${server.base}/`, { headers: { 'If-None-Match': index.headers.get('etag') } });
  assert.equal(again.status, 304);
  const asset = await fetch(`${server.base}${script}`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type'), /javascript/);
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal((await fetch(`${server.base}/assets/app-NOPE.js`)).status, 404);
  // An encoded '/' is decoded before routing, so it never reaches the handler as one segment ...
  assert.equal((await fetch(`${server.base}/assets/..%2Findex.html`)).status, 404);
  // ... and a name that is one segment but not a plain file name is refused by the handler.
  const hidden = await fetch(`${server.base}/assets/..index.html`);
  assert.equal(hidden.status, 400);
  assert.match((await hidden.json()).message, /dashboard asset name '\.\.index\.html' is not allowed/);
});

test('a wrong password shows the server\'s refusal on the login page', async () => {
  const page = await openPage({ expected: [/401/] });
  await page.goto(`${server.base}/`);
  await page.waitForSelector('#view[data-page=login]');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('#login-error:not([hidden])');
  assert.match(await page.textContent('#login-error'), /invalid username or password/);
  await shot(page, 'login-refused');
  await page.close();
});

test('first paint and the overview: breadth and index strip as the API serves them', async () => {
  const page = await openPage();
  await page.goto(`${server.base}/`);
  await page.waitForSelector('#view[data-page=login] form');
  const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
  assert.ok(paint > 0 && paint < 3000, `first contentful paint ${paint} ms`);
  console.log(`dashboard first contentful paint: ${paint.toFixed(0)} ms`);
  await signIn(page);
  await page.waitForSelector('#breadth');
  const overview = await api('/api/v1/market/overview');
  assert.match(await page.textContent('#breadth'), new RegExp(`Trade date${overview.trade_date}`));
  const indices = await api('/api/v1/market/symbols?security_type=index&size=20');
  await page.waitForFunction((n) => document.querySelectorAll('#index-strip .index-card').length === n, indices.length);
  await page.waitForSelector('#gainers');
  await assertFits(page, 'overview');
  await shot(page, 'overview');
  await page.close();
});

test('the chart draws the served daily bars', async () => {
  const page = await openPage();
  await signIn(page);
  await page.goto(`${server.base}/#/symbol/${stock}`);
  await page.reload();  // a fresh load with the session in sessionStorage: time to the drawn chart
  await page.waitForSelector('#legend .c');
  const drawn = await page.evaluate(() => performance.now());
  console.log(`dashboard symbol page, load to drawn chart: ${drawn.toFixed(0)} ms`);
  const served = await api(`/api/v1/market/kline?symbol=${stock}&interval=1d&adjust=qfq&limit=400`);
  const byTime = new Map(served.bars.map((bar) => [new Date(bar.ts + 8 * 3600000).toISOString().slice(0, 16).replace('T', ' '), bar]));
  // A live push may already have started a bar the API did not serve yet (today's, from the
  // demo's feed): the chart holds the served bars, or those and one live bar after them.
  const drawnBars = Number(/^(\d+) bars$/.exec(await page.textContent('#legend .bars'))[1]);
  assert.ok(drawnBars === served.bars.length || drawnBars === served.bars.length + 1,
    `${drawnBars} bars drawn, ${served.bars.length} served`);
  const box = await page.locator('.chart-host').boundingBox();
  const checked = new Set();
  for (const fraction of [0.15, 0.4, 0.65, 0.85]) {
    await page.mouse.move(box.x + box.width * fraction * 0.9, box.y + box.height * 0.4);
    await page.waitForTimeout(100);
    const time = await page.textContent('#legend .t');
    const bar = byTime.get(time);
    assert.ok(bar, `the legend shows ${time}, which the API did not serve`);
    for (const key of ['o', 'h', 'l', 'c']) {
      const field = { o: 'open', h: 'high', l: 'low', c: 'close' }[key];
      assert.equal(await page.textContent(`#legend .${key}`), bar[field].toFixed(2), `${time} ${field}`);
    }
    checked.add(time);
  }
  assert.ok(checked.size >= 3, `hovering hit only ${[...checked]}`);
  await page.waitForSelector('#depth table');
  await page.waitForSelector('#ticks tbody tr');
  await assertFits(page, 'symbol');
  await shot(page, 'symbol-1d');
  await page.close();
});

test('a live 1-minute bar moves the chart', async () => {
  const page = await openPage();
  await signIn(page);
  await page.goto(`${server.base}/#/symbol/${stock}`);
  await page.waitForSelector('#legend .c');
  await page.selectOption('#interval', '1m');
  await page.waitForSelector('#chart-status[data-live=true]');
  await page.mouse.move(0, 0);
  const before = await page.textContent('#legend');
  await page.waitForFunction((text) => document.querySelector('#legend').textContent !== text, before, { timeout: 20000 });
  const after = await page.textContent('#legend');
  assert.notEqual(after, before);
  await shot(page, 'symbol-1m-live');
  await page.close();
});

test('the forming 5m bar follows the live 1-minute pushes, aligned like the server', async () => {
  const page = await openPage();
  await signIn(page);
  await page.goto(`${server.base}/#/symbol/${stock}`);
  await page.waitForSelector('#legend .c');
  await page.selectOption('#interval', '5m');
  await page.waitForSelector('#chart-status[data-live=true]');
  await page.waitForSelector('#chart-status[data-live-ts]', { timeout: 20000 });
  const liveTs = Number(await page.getAttribute('#chart-status', 'data-live-ts'));
  // Session-aligned like the server's 5m bars: a multiple of 5 minutes inside 09:30-11:30 or
  // 13:00-15:00 Asia/Shanghai, not before the newest served bar.
  const minuteOfDay = ((liveTs + 8 * 3600000) % 86400000) / 60000;
  assert.equal(minuteOfDay % 5, 0, `a 5m bar starts on a 5-minute boundary: ${liveTs}`);
  assert.ok((minuteOfDay >= 570 && minuteOfDay < 690) || (minuteOfDay >= 780 && minuteOfDay < 900),
    `5m bar at minute ${minuteOfDay} of the day is outside the sessions`);
  const served = await api(`/api/v1/market/kline?symbol=${stock}&interval=5m&limit=2`);
  assert.ok(liveTs >= served.bars.at(-1).ts, `live bucket ${liveTs} before the served ${served.bars.at(-1).ts}`);
  await page.mouse.move(0, 0);
  const before = await page.textContent('#legend');
  await page.waitForFunction((text) => document.querySelector('#legend').textContent !== text, before, { timeout: 20000 });
  await shot(page, 'symbol-5m-live');
  await page.close();
});

test('an order placed in the page is in the API, and cancelling it there cancels it', async () => {
  const page = await openPage();
  await signIn(page);
  await page.goto(`${server.base}/#/orders/${stock}`);
  const [quote] = (await api(`/api/v1/market/quotes?symbols=${stock}`)).quotes;
  const limitPrice = (Math.round(quote.limit_down * 100 + 1) / 100).toFixed(2);  // rests, never fills
  await page.fill('input[name=price]', limitPrice);
  await page.fill('input[name=quantity]', '200');
  await page.click('#place-order');
  await page.waitForSelector('#order-message .ok');
  const id = /Order (\S+)/.exec(await page.textContent('#order-message'))[1];
  const order = await api(`/api/v1/orders/${id}`);
  assert.equal(order.symbol, stock);
  assert.equal(order.quantity, 200);
  assert.equal(order.price, Number(limitPrice));
  await page.click(`tr[data-order-id="${id}"] button`);
  await page.waitForFunction(() => /cancelled/.test(document.querySelector('#order-message')?.textContent ?? ''));
  assert.equal((await api(`/api/v1/orders/${id}`)).status, 'cancelled');
  await page.waitForSelector('#account-cash');
  await assertFits(page, 'orders');
  await shot(page, 'orders');
  await page.close();
});

test('a market order placed in the page fills from the live feed and shows in positions', async () => {
  const page = await openPage();
  await signIn(page);
  await page.goto(`${server.base}/#/orders/${stock}`);
  await page.selectOption('select[name=type]', 'market');
  await page.fill('input[name=quantity]', '100');
  await page.click('#place-order');
  await page.waitForSelector('#order-message .ok');
  const id = /Order (\S+)/.exec(await page.textContent('#order-message'))[1];
  // The demo's feed is always open: the next quote fills it, the page reloads every 2 s.
  await page.waitForSelector(`#trades tr[data-order-id="${id}"]`, { timeout: 30000 });
  await page.waitForSelector(`#positions tr[data-symbol="${stock}"]`);
  const order = await api(`/api/v1/orders/${id}`);
  assert.equal(order.status, 'filled');
  const [trade] = await api(`/api/v1/trades?order_id=${id}`);
  const position = (await api('/api/v1/positions')).find((row) => row.symbol === stock);
  assert.ok(position.quantity >= 100, JSON.stringify(position));
  const shown = await page.textContent(`#trades tr[data-order-id="${id}"]`);
  assert.ok(shown.includes(Number(trade.price).toFixed(2)), `fill price ${trade.price} not in "${shown}"`);
  const account = await api('/api/v1/account');
  assert.equal(await page.textContent('#account-cash'), Number(account.cash).toFixed(2));
  await shot(page, 'orders-filled');
  await page.close();
});

test('watchlists, jobs and system pages render; the phone layout does not overflow', async () => {
  const page = await openPage({ expected: [/status of 400/] });  // the refused job below
  await signIn(page);
  await page.goto(`${server.base}/#/watchlists`);
  await page.fill('#new-watchlist', 'e2e list');
  await page.click('#view form button');
  await page.fill('#add-symbol', stock);
  await page.click('#watchlist form button');
  await page.waitForFunction(() => /\d/.test(document.querySelector('#watchlist td.num')?.textContent ?? ''));
  const lists = await api('/api/v1/watchlists');
  assert.ok(lists.some((list) => list.name === 'e2e list'), JSON.stringify(lists));
  await assertFits(page, 'watchlists');
  await shot(page, 'watchlists');
  await page.goto(`${server.base}/#/jobs`);
  await page.waitForSelector('#jobs p, #jobs table');
  await page.fill('input[name=dataset]', 'weekly');
  await page.click('#view form button');
  await page.waitForSelector('#job-message .error');
  assert.match(await page.textContent('#job-message'), /^dataset: data type 'weekly' is unknown/);
  await page.fill('input[name=dataset]', 'daily');
  await page.fill('input[name=symbols]', stock);
  await page.fill('input[name=from]', '2024-01-02');
  await page.fill('input[name=to]', '2024-03-29');
  await page.click('#view form button');
  await page.waitForSelector('#job-message .ok');
  const jobId = /Submitted (job-\d+)/.exec(await page.textContent('#job-message'))[1];
  const row = `tr[data-job-id="${jobId}"]`;
  await page.waitForFunction((selector) => /succeeded/.test(document.querySelector(selector)?.textContent ?? ''), row, { timeout: 30000 });
  assert.equal(await page.getAttribute(`${row} progress`, 'value'), '1');
  const job = await api(`/api/v1/data/jobs/${jobId}`);
  assert.equal(job.state, 'succeeded');
  assert.match(await page.textContent(row), new RegExp(job.progress.rows_written.toLocaleString('en-US')));
  await assertFits(page, 'jobs');
  await shot(page, 'jobs');
  await page.goto(`${server.base}/#/system`);
  await page.waitForSelector('#system-status dl');
  await page.waitForSelector('#realtime-status dl');
  await assertFits(page, 'system');
  await shot(page, 'system');
  await page.setViewportSize({ width: 390, height: 844 });
  for (const hash of ['#/overview', `#/symbol/${stock}`, '#/orders']) {
    await page.goto(`${server.base}/${hash}`);
    await page.waitForTimeout(800);
    await assertFits(page, hash);
    await shot(page, `phone-${hash.replace(/[^a-z]/g, '')}`);
  }
  await page.close();
});

test('a refused access token is renewed with the refresh token; a refused refresh asks to sign in', async () => {
  const page = await openPage({ expected: [/status of 401/] });
  await signIn(page);
  const spoil = (field) => page.evaluate((name) => {
    const stored = JSON.parse(sessionStorage.getItem('mystocks.session'));
    stored[name] = 'not-a-token';
    sessionStorage.setItem('mystocks.session', JSON.stringify(stored));
  }, field);
  await spoil('access');
  await page.goto(`${server.base}/#/orders`);
  await page.waitForSelector('#orders table, #orders p.muted');
  const renewed = await page.evaluate(() => JSON.parse(sessionStorage.getItem('mystocks.session')).access);
  assert.notEqual(renewed, 'not-a-token');
  await spoil('access');
  await spoil('refresh');
  await page.goto(`${server.base}/#/system`);
  await page.waitForSelector('#view[data-page=login]');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('mystocks.session')), null);
  await page.close();
});

test('no page logged a console error or threw', () => {
  assert.deepEqual(consoleErrors, []);
});

// End-to-end: every symbol a new user reads in the OpenAPI document's examples and in docs/*.md
// exists in the demo, so Swagger's "Try it out" and the docs' commands answer data, not 404.
// The demo's universe opens with the well-known names (600519.SH 贵州茅台, 000001.SZ 平安银行,
// ...) and the major indices under their real codes; 000001.SH (上证指数) and 000001.SZ
// (平安银行) share six digits and stay apart by canonical symbol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { demoPassword, login, sourceDir, startDemo } from './lib/server.mjs';

const kSymbol = /\b(\d{6})\.(SH|SZ|BJ)\b/g;
// Symbols the docs name on purpose as ones that are not there.
const kCounterExamples = new Map([
  ['000300.SZ', 'docs/market-api.md: what a bare 000300 is read as (the CSI 300 is 000300.SH)'],
]);
// Enough symbols that every board, the Beijing one included (北证50), is in the universe.
const env = { MYSTOCKS_SOURCES_SIMULATOR_SYMBOLS: '60' };

// Every canonical symbol in `example` values of the OpenAPI document.
function openApiSymbols(doc) {
  const found = new Set();
  const visit = (node, inExample) => {
    if (typeof node === 'string') {
      if (inExample) for (const match of node.matchAll(kSymbol)) found.add(match[0]);
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, inExample);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        visit(value, inExample || key === 'example' || key === 'examples');
      }
    }
  };
  visit(doc, false);
  return found;
}

function docsSymbols() {
  const found = new Map();  // symbol -> the first doc naming it
  const dir = path.join(sourceDir, 'docs');
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.md'))) {
    for (const match of readFileSync(path.join(dir, file), 'utf8').matchAll(kSymbol)) {
      if (!found.has(match[0])) found.set(match[0], file);
    }
  }
  return found;
}

test('every symbol of the OpenAPI examples and docs/*.md exists in the demo', async (t) => {
  const server = await startDemo({ env });
  t.after(() => server.stop());
  const { headers } = await login(server.base, 'demo', demoPassword);
  const doc = await (await fetch(`${server.base}/api/openapi.json`)).json();
  const fromOpenApi = openApiSymbols(doc);
  assert.ok(fromOpenApi.has('600519.SH'), [...fromOpenApi].join(' '));
  const wanted = new Map([...fromOpenApi].map((symbol) => [symbol, 'openapi.json']));
  for (const [symbol, file] of docsSymbols()) {
    if (!wanted.has(symbol) && !kCounterExamples.has(symbol)) wanted.set(symbol, file);
  }
  const missing = [];
  for (const [symbol, where] of wanted) {
    const response = await fetch(`${server.base}/api/v1/market/symbols/${symbol}`, { headers });
    if (response.status !== 200) missing.push(`${symbol} (${where}): ${response.status}`);
  }
  assert.deepEqual(missing, [], `symbols in examples the demo lacks:\n${missing.join('\n')}`);
});

test('the demo names the well-known shares and indices, 000001.SH apart from 000001.SZ', async (t) => {
  const server = await startDemo({ env });
  t.after(() => server.stop());
  const { headers } = await login(server.base, 'demo', demoPassword);
  const detail = async (symbol) => {
    const response = await fetch(`${server.base}/api/v1/market/symbols/${symbol}`, { headers });
    assert.equal(response.status, 200, symbol);
    return (await response.json()).data;
  };
  const expected = {
    '600519.SH': '贵州茅台', '000001.SZ': '平安银行', '600036.SH': '招商银行', '300750.SZ': '宁德时代',
    '000858.SZ': '五粮液', '000001.SH': '上证指数', '399001.SZ': '深证成指', '000300.SH': '沪深300',
    '399006.SZ': '创业板指', '000688.SH': '科创50', '000905.SH': '中证500',
  };
  for (const [symbol, name] of Object.entries(expected)) {
    const data = await detail(symbol);
    assert.equal(data.symbol, symbol);
    assert.equal(data.name, name, symbol);
  }
  assert.equal((await detail('000001.SH')).security_type, 'index');
  assert.equal((await detail('000001.SZ')).security_type, 'stock');
  // Bars of the stock and of the index under the same digits are different series.
  const kline = async (symbol) => {
    const response = await fetch(`${server.base}/api/v1/market/kline?symbol=${symbol}&interval=1d&limit=1`, { headers });
    assert.equal(response.status, 200, symbol);
    return (await response.json()).data;
  };
  const stock = await kline('000001.SZ');
  const moutai = await kline('600519.SH');
  const lastClose = (data) => Number((data.bars ?? data.klines ?? data)[0]?.close ?? NaN);
  assert.ok(lastClose(moutai) > 500, JSON.stringify(moutai).slice(0, 300));
  assert.ok(lastClose(stock) < 100, JSON.stringify(stock).slice(0, 300));
});

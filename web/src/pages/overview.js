// Market overview: breadth (GET /api/v1/market/overview), an index strip that follows the
// index: rooms live, limit-up / limit-down lists and the biggest movers, computed from
// /api/v1/market/quotes of the listed stocks (the overview route serves counts only).
import { get, getPage } from '../api.js';
import { count, errorBox, h, percent, price, replace, sign, table } from '../dom.js';
import { subscribe } from '../live.js';

const maxStocks = 500;  // one page of /market/symbols; the lists say when there are more
const refreshMs = 10000;

function breadth(data) {
  const tile = (label, value, cls = '') => h('div', { class: `tile ${cls}` }, h('span', {}, label), h('strong', {}, value));
  return h('div', { class: 'tiles', id: 'breadth' },
    tile('Trade date', data.trade_date ?? '–'),
    tile('Advancers', count(data.advancers), 'up'),
    tile('Decliners', count(data.decliners), 'down'),
    tile('Unchanged', count(data.unchanged)),
    tile('Limit up', count(data.limit_up), 'up'),
    tile('Limit down', count(data.limit_down), 'down'),
    tile('Amount (¥)', count(Math.round(data.total_amount ?? 0))));
}

function indexCard(symbol, name) {
  const last = h('strong', {}, '–');
  const change = h('span', {}, '');
  const card = h('a', { class: 'index-card', href: `#/symbol/${symbol}` }, h('span', {}, name), last, change);
  const apply = (quote) => {
    last.textContent = price(quote.last);
    const pct = quote.pre_close ? ((quote.last - quote.pre_close) / quote.pre_close) * 100 : null;
    change.textContent = percent(pct);
    card.className = `index-card ${sign(pct)}`;
  };
  return { card, apply };
}

async function quotesOf(symbols) {
  const quotes = [];
  for (let start = 0; start < symbols.length; start += 100) {
    const data = await get('/api/v1/market/quotes', { symbols: symbols.slice(start, start + 100).join(',') });
    quotes.push(...data.quotes);
  }
  return quotes;
}

function stockTable(id, quotes, names) {
  if (!quotes.length) return h('p', { class: 'muted', id }, 'none');
  return h('div', { class: 'scroll', id }, table(['Symbol', 'Name', 'Last', 'Change'], quotes.map((q) =>
    h('tr', { class: sign(q.pct_change) },
      h('td', {}, h('a', { href: `#/symbol/${q.symbol}` }, q.symbol)), h('td', {}, names.get(q.symbol) ?? ''),
      h('td', { class: 'num' }, price(q.last)), h('td', { class: 'num' }, percent(q.pct_change))))));
}

export function render(view) {
  const strip = h('div', { class: 'index-strip', id: 'index-strip' });
  const breadthBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const lists = h('div', { class: 'grid2' });
  replace(view, h('h1', {}, 'Market overview'), strip, breadthBox, lists);
  const leave = [];
  let timer = null;
  let stopped = false;

  (async () => {
    try {
      const indices = await get('/api/v1/market/symbols', { security_type: 'index', size: 20 });
      const initial = await quotesOf(indices.map((s) => s.symbol));
      for (const index of indices) {
        const { card, apply } = indexCard(index.symbol, index.name);
        const quote = initial.find((q) => q.symbol === index.symbol);
        if (quote) apply(quote);
        strip.append(card);
        if (!stopped) leave.push(subscribe(`index:${index.symbol}`, (data) => apply({ ...quote, ...data })));
      }
    } catch (error) {
      replace(strip, errorBox(error));
    }
  })();

  const refresh = async () => {
    try {
      replace(breadthBox, breadth(await get('/api/v1/market/overview')));
      const page = await getPage('/api/v1/market/symbols', { security_type: 'stock', size: maxStocks });
      const names = new Map(page.data.map((s) => [s.symbol, s.name]));
      const quotes = (await quotesOf(page.data.map((s) => s.symbol))).filter((q) => q.last !== undefined);
      const byChange = [...quotes].sort((a, b) => (b.pct_change ?? 0) - (a.pct_change ?? 0));
      const note = page.pagination?.total > maxStocks ? ` (first ${maxStocks} of ${page.pagination.total} stocks)` : '';
      replace(lists,
        h('section', {}, h('h2', {}, `Limit up${note}`), stockTable('limit-up', quotes.filter((q) => q.limit_up && q.last >= q.limit_up), names)),
        h('section', {}, h('h2', {}, `Limit down${note}`), stockTable('limit-down', quotes.filter((q) => q.limit_down && q.last <= q.limit_down), names)),
        h('section', {}, h('h2', {}, 'Top gainers'), stockTable('gainers', byChange.filter((q) => q.pct_change > 0).slice(0, 10), names)),
        h('section', {}, h('h2', {}, 'Top losers'), stockTable('losers', byChange.filter((q) => q.pct_change < 0).reverse().slice(0, 10), names)));
    } catch (error) {
      replace(breadthBox, errorBox(error));
    }
    if (!stopped) timer = setTimeout(refresh, refreshMs);
  };
  refresh();
  return () => { stopped = true; clearTimeout(timer); leave.forEach((fn) => fn()); };
}

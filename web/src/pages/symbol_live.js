// The live side panels of the symbol page: the quote line (quote: room), recent ticks (tick:
// room, first filled from GET /api/v1/market/ticks) and the 5-level order book (depth: room;
// signed-in roles only, a refusal is shown in place of the book).
import { get } from '../api.js';
import { beijingTime, count, errorBox, h, percent, price, replace, sign, table } from '../dom.js';
import { subscribe } from '../live.js';

const tickRows = 15;

export function quoteLine(symbol) {
  const element = h('div', { class: 'quote-line', id: 'quote-line' }, h('span', { class: 'muted' }, 'waiting for a quote…'));
  const leave = subscribe(`quote:${symbol}`, (quote, message) => {
    const pct = quote.pct_change ?? (quote.pre_close ? ((quote.last - quote.pre_close) / quote.pre_close) * 100 : null);
    element.className = `quote-line ${sign(pct)}`;
    replace(element, h('strong', { id: 'quote-last' }, price(quote.last)), h('span', {}, percent(pct)),
      h('span', { class: 'muted' }, `H ${price(quote.high)} L ${price(quote.low)} Vol ${count(quote.volume)} · ${beijingTime(message.timestamp ?? quote.ts, false)}`));
  }, (text) => replace(element, errorBox(text)));
  return { element, leave };
}

export function tickList(symbol) {
  const body = h('tbody', {});
  const element = h('section', { class: 'ticks' }, h('h2', {}, 'Ticks'),
    h('table', { id: 'ticks' }, h('thead', {}, h('tr', {}, ['Time', 'Price', 'Volume', 'Trades'].map((t) => h('th', {}, t)))), body));
  const row = (tick, ts) => h('tr', { class: sign(tick.last - tick.pre_close) },
    h('td', {}, beijingTime(ts, false)), h('td', { class: 'num' }, price(tick.last)),
    h('td', { class: 'num' }, count(tick.volume)), h('td', { class: 'num' }, count(tick.num_trades)));
  let newest = 0;
  const add = (tick, ts) => {
    if (ts <= newest) return;
    newest = ts;
    body.prepend(row(tick, ts));
    while (body.children.length > tickRows) body.lastChild.remove();
  };
  get('/api/v1/market/ticks', { symbol, limit: tickRows })
    .then((data) => data.ticks.forEach((tick) => add(tick, tick.ts)))
    .catch((error) => element.append(errorBox(error)));
  const leave = subscribe(`tick:${symbol}`, (tick, message) => add(tick, message.timestamp),
    (text) => element.append(errorBox(text)));
  return { element, leave };
}

export function depthBook(symbol) {
  const book = h('div', { id: 'depth' }, h('p', { class: 'muted' }, 'waiting for the order book…'));
  const element = h('section', { class: 'depth' }, h('h2', {}, 'Order book (5 levels)'), book);
  const leave = subscribe(`depth:${symbol}`, (depth) => {
    const level = (side, n) => h('tr', { class: side === 'ask' ? 'down' : 'up' },
      h('td', {}, `${side === 'ask' ? 'Ask' : 'Bid'} ${n}`),
      h('td', { class: 'num' }, price(depth[`${side}${n}_price`])), h('td', { class: 'num' }, count(depth[`${side}${n}_volume`])));
    replace(book, table(['Level', 'Price', 'Volume'],
      [5, 4, 3, 2, 1].map((n) => level('ask', n)).concat([1, 2, 3, 4, 5].map((n) => level('bid', n)))));
  }, (text) => replace(book, errorBox(text)));
  return { element, leave };
}

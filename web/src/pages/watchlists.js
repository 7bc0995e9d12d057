// Watchlists (GET/POST/DELETE /api/v1/watchlists...): create and delete lists, add and remove
// symbols; the shown list's quotes follow the quote: rooms live.
import { del, get, post } from '../api.js';
import { count, errorBox, h, percent, price, replace, sign, table } from '../dom.js';
import { subscribe } from '../live.js';

export function render(view) {
  const lists = h('div', { class: 'chips', id: 'watchlists' });
  const detail = h('div', { id: 'watchlist' });
  const message = h('div', {});
  const name = h('input', { id: 'new-watchlist', placeholder: 'New list name', maxlength: 64 });
  let leave = [];
  let shownId = null;
  const leaveAll = () => { leave.forEach((fn) => fn()); leave = []; };
  const act = async (work) => {
    replace(message);
    try {
      await work();
    } catch (error) {
      replace(message, errorBox(error));
    }
  };

  function show(list) {
    leaveAll();
    shownId = list.id;
    const symbolInput = h('input', { id: 'add-symbol', placeholder: 'Symbol, e.g. 600519.SH' });
    const rows = list.symbols.map(({ symbol }) => {
      const cells = { last: h('td', { class: 'num' }, '–'), change: h('td', { class: 'num' }, '–'), volume: h('td', { class: 'num' }, '–') };
      const row = h('tr', {}, h('td', {}, h('a', { href: `#/symbol/${symbol}` }, symbol)), cells.last, cells.change, cells.volume,
        h('td', {}, h('button', { class: 'link', onclick: () => act(async () => show(await del(`/api/v1/watchlists/${list.id}/symbols/${encodeURIComponent(symbol)}`))) }, 'remove')));
      leave.push(subscribe(`quote:${symbol}`, (quote) => {
        row.className = sign(quote.pct_change);
        cells.last.textContent = price(quote.last);
        cells.change.textContent = percent(quote.pct_change);
        cells.volume.textContent = count(quote.volume);
      }, (text) => { cells.last.textContent = text; }));
      return row;
    });
    replace(detail, h('h2', {}, list.name),
      h('form', { class: 'inline', onsubmit: (event) => {
        event.preventDefault();
        act(async () => show(await post(`/api/v1/watchlists/${list.id}/symbols`, { symbols: [symbolInput.value.trim()] })));
      } }, symbolInput, h('button', { type: 'submit' }, 'Add')),
      rows.length ? table(['Symbol', 'Last', 'Change', 'Volume', ''], rows) : h('p', { class: 'muted' }, 'No symbols yet.'),
      h('button', { class: 'link danger', onclick: () => act(async () => { await del(`/api/v1/watchlists/${list.id}`); shownId = null; leaveAll(); replace(detail); await reload(); }) }, 'Delete this list'));
  }

  async function reload() {
    const all = await get('/api/v1/watchlists');
    replace(lists, all.length ? all.map((list) => h('button', { class: list.id === shownId ? 'chip active' : 'chip',
      onclick: () => act(async () => { show(await get(`/api/v1/watchlists/${list.id}`)); await reload(); }) }, `${list.name}`))
      : h('p', { class: 'muted' }, 'No watchlists yet.'));
  }

  replace(view, h('h1', {}, 'Watchlists'),
    h('form', { class: 'inline', onsubmit: (event) => {
      event.preventDefault();
      act(async () => { const created = await post('/api/v1/watchlists', { name: name.value.trim() }); name.value = ''; show(created); await reload(); });
    } }, name, h('button', { type: 'submit' }, 'Create')),
    message, lists, detail);
  act(reload);
  return leaveAll;
}

// Symbol search: GET /api/v1/market/symbols?q= (code or name), debounced while typing.
import { getPage } from '../api.js';
import { errorBox, h, replace, table } from '../dom.js';

export function render(view, initial) {
  const input = h('input', { type: 'search', id: 'symbol-query', placeholder: 'Code or name, e.g. 600519 or 茅台', value: initial || '' });
  const results = h('div', { id: 'search-results' });
  let timer = null;
  let generation = 0;
  const run = async () => {
    const mine = ++generation;
    const query = { size: 50, ...(input.value.trim() ? { q: input.value.trim() } : {}) };
    try {
      const page = await getPage('/api/v1/market/symbols', query);
      if (mine !== generation) return;  // a newer query is on its way
      replace(results, h('p', { class: 'muted' }, `${page.pagination?.total ?? page.data.length} matches`),
        table(['Symbol', 'Name', 'Type', 'Industry', 'Board'], page.data.map((s) => h('tr', {},
          h('td', {}, h('a', { href: `#/symbol/${s.symbol}` }, s.symbol)), h('td', {}, s.name),
          h('td', {}, s.security_type), h('td', {}, s.industry ?? ''), h('td', {}, s.board ?? '')))));
    } catch (error) {
      if (mine === generation) replace(results, errorBox(error));
    }
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 250); });
  replace(view, h('h1', {}, 'Symbol search'), input, results);
  input.focus();
  run();
  return () => clearTimeout(timer);
}

// Symbol page: K-line chart (GET /api/v1/market/kline) with interval and adjustment switches,
// MA/BOLL overlays and a MACD/KDJ/RSI pane (GET /api/v1/indicators/{name}), kept live from the
// kline_1m: room; the quote line, ticks and order book beside it (symbol_live.js).
// Live bars are raw 1-minute bars: the chart follows them on 1m and folds them into the forming
// bar of 5m..60m and 1d (bar_aggregate.js, aligned as the server aligns), without adjustment or
// with qfq (forward adjustment leaves the newest prices as traded); 1w, 1M and hfq say so
// instead of drawing bars in a different basis.
import { get } from '../api.js';
import { errorBox, h, replace } from '../dom.js';
import { subscribe } from '../live.js';
import { KlineChart } from '../chart.js';
import { BarAggregator, liveIntervals } from '../bar_aggregate.js';
import { depthBook, quoteLine, tickList } from './symbol_live.js';

const intervals = ['1m', '5m', '15m', '30m', '60m', '1d', '1w', '1M'];
const barLimit = 400;
const overlays = {
  none: [],
  ma: [['ma', { n: 5 }, 'ma5'], ['ma', { n: 10 }, 'ma10'], ['ma', { n: 20 }, 'ma20']],
  boll: [['boll', {}, null]],
};
const panels = { macd: ['hist'], kdj: [], rsi: [], none: [] };

function select(id, options, value, onchange) {
  return h('select', { id, onchange: (event) => onchange(event.target.value) },
    options.map((option) => h('option', { value: option, selected: option === value }, option)));
}

async function indicatorAnswer(symbol, interval, parts) {
  const answers = await Promise.all(parts.map(([name, params]) =>
    get(`/api/v1/indicators/${name}`, { symbol, interval, limit: barLimit, ...params })));
  const values = {};
  answers.forEach((answer, index) => {
    const rename = parts[index][2];
    for (const [output, series] of Object.entries(answer.values)) values[rename ?? output] = series;
  });
  return { time: answers[0].time, values };
}

export function render(view, symbol) {
  const state = { interval: '1d', adjust: 'qfq', overlay: 'ma', panel: 'macd' };
  const status = h('p', { class: 'muted', id: 'chart-status' });
  const chartBox = h('div', { class: 'chart', id: 'chart' });
  const quote = quoteLine(symbol);
  const ticks = tickList(symbol);
  const depth = depthBook(symbol);
  const title = h('h1', {}, symbol);
  const controls = h('div', { class: 'controls' },
    select('interval', intervals, state.interval, (v) => { state.interval = v; load(); }),
    select('adjust', ['none', 'qfq', 'hfq'], state.adjust, (v) => { state.adjust = v; load(); }),
    select('overlay', Object.keys(overlays), state.overlay, (v) => { state.overlay = v; loadIndicators(); }),
    select('panel', Object.keys(panels), state.panel, (v) => { state.panel = v; loadIndicators(); }),
    h('a', { class: 'button', href: `#/orders/${symbol}` }, 'Trade'));
  replace(view, h('div', { class: 'symbol-head' }, title, quote.element), controls, status,
    h('div', { class: 'symbol-body' }, chartBox, h('aside', {}, depth.element, ticks.element)));
  const chart = new KlineChart(chartBox);
  const errors = h('div', { id: 'chart-errors' });
  chartBox.append(errors);
  let leaveBars = () => {};
  let generation = 0;

  get(`/api/v1/market/symbols/${encodeURIComponent(symbol)}`)
    .then((info) => { title.textContent = `${info.name} ${info.symbol}`; })
    .catch((error) => errors.append(errorBox(error)));

  async function loadIndicators() {
    const mine = generation;
    replace(errors);
    try {
      const overlay = overlays[state.overlay].length ? await indicatorAnswer(symbol, state.interval, overlays[state.overlay]) : null;
      const panel = state.panel !== 'none' ? await indicatorAnswer(symbol, state.interval, [[state.panel, {}, null]]) : null;
      if (mine !== generation) return;
      chart.setIndicator('overlay', overlay);
      chart.setIndicator('panel', panel, panels[state.panel]);
    } catch (error) {
      if (mine === generation) errors.append(errorBox(error));
    }
  }

  async function load() {
    const mine = ++generation;
    leaveBars();
    leaveBars = () => {};
    status.textContent = `loading ${state.interval} bars…`;
    try {
      const data = await get('/api/v1/market/kline', { symbol, interval: state.interval, adjust: state.adjust, limit: barLimit });
      if (mine !== generation) return;
      chart.setBars(data.bars);
      const live = state.interval in liveIntervals && state.adjust !== 'hfq';
      status.textContent = `${data.bars.length} ${data.interval} bars, ${data.adjust} · ${live ? 'live' : 'live updates on 1m..1d (none/qfq) only'}`;
      status.dataset.live = live;
      delete status.dataset.liveTs;
      if (live) {
        const folder = state.interval === '1m' ? null : new BarAggregator(state.interval, data.bars.at(-1) ?? null);
        leaveBars = subscribe(`kline_1m:${symbol}`, (bar, message) => {
          const drawn = folder ? folder.push({ ...bar, ts: message.timestamp }) : { ...bar, ts: message.timestamp };
          if (drawn === null) return;
          chart.update(drawn);
          status.dataset.liveTs = drawn.ts;
          if (drawn.final) loadIndicators();
        }, (text) => errors.append(errorBox(text)));
      }
      loadIndicators();
    } catch (error) {
      if (mine === generation) status.replaceChildren(errorBox(error));
    }
  }
  load();
  return () => {
    generation += 1;
    leaveBars();
    quote.leave();
    ticks.leave();
    depth.leave();
    chart.destroy();
  };
}

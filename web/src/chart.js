// The K-line chart of the symbol page, on lightweight-charts: candles and volume in the main
// pane, MA/BOLL overlays on the candles, one indicator (MACD/KDJ/RSI) in a second pane, and a
// legend (#legend) naming the values of the bar under the cursor, or of the newest bar.
// Times: bars carry epoch ms of the bar's start; the chart's axis is shifted to Beijing time so
// 09:30 reads 09:30 wherever the viewer is.
import { CandlestickSeries, createChart, HistogramSeries, LineSeries } from 'lightweight-charts';
import { beijingOffsetSeconds, beijingTime, count, h, price, replace } from './dom.js';

// China colours: red rises, green falls.
const up = '#e5403a';
const down = '#1a9b5f';
const lineColors = ['#f0a30a', '#3d7be0', '#b04fc7', '#6d8a96'];

const chartTime = (ms) => Math.floor(ms / 1000) + beijingOffsetSeconds;
const chartTimeToMs = (time) => (time - beijingOffsetSeconds) * 1000;

export class KlineChart {
  constructor(container) {
    this.legend = h('div', { class: 'legend', id: 'legend' });
    this.host = h('div', { class: 'chart-host' });
    container.append(this.legend, this.host);
    this.chart = createChart(this.host, {
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: '#c9d1d9', panes: { separatorColor: '#30363d' } },
      grid: { vertLines: { color: '#21262d' }, horzLines: { color: '#21262d' } },
      timeScale: { timeVisible: true, secondsVisible: false },
      localization: { timeFormatter: (time) => beijingTime(chartTimeToMs(time)).slice(0, 16) },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: up, downColor: down, borderUpColor: up, borderDownColor: down, wickUpColor: up, wickDownColor: down,
    });
    this.volume = this.chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume' });
    this.volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.25 } });
    this.overlays = [];
    this.panel = [];
    this.bars = [];  // [{ts, open, high, low, close, volume}] oldest first, as drawn
    this.chart.subscribeCrosshairMove((param) => this.showLegend(param.time));
  }

  setBars(bars) {
    // Indicator lines of the previous interval go first: their times would widen the fitted range.
    this.setIndicator('overlay', null);
    this.setIndicator('panel', null);
    this.bars = bars.map((bar) => ({ ...bar }));
    this.candles.setData(this.bars.map((bar) => this.candle(bar)));
    this.volume.setData(this.bars.map((bar) => this.volumeBar(bar)));
    this.chart.timeScale().fitContent();
    this.showLegend(null);
  }

  // A live bar: replaces the newest bar when it has the same start, appends when newer, and is
  // ignored when older (a stale push after a reload).
  update(bar) {
    const last = this.bars.at(-1);
    if (last && bar.ts < last.ts) return false;
    if (last && bar.ts === last.ts) this.bars[this.bars.length - 1] = { ...bar };
    else this.bars.push({ ...bar });
    this.candles.update(this.candle(bar));
    this.volume.update(this.volumeBar(bar));
    if (!this.hovering) this.showLegend(null);
    return true;
  }

  candle(bar) {
    return { time: chartTime(bar.ts), open: bar.open, high: bar.high, low: bar.low, close: bar.close };
  }

  volumeBar(bar) {
    return { time: chartTime(bar.ts), value: bar.volume ?? 0, color: bar.close >= bar.open ? `${up}80` : `${down}80` };
  }

  showLegend(time) {
    this.hovering = time !== null && time !== undefined;
    const bar = this.hovering ? this.bars.find((b) => chartTime(b.ts) === time) : this.bars.at(-1);
    if (!bar) return replace(this.legend, h('span', { class: 'muted' }, 'no bars'));
    const field = (label, cls, value) => h('span', {}, `${label} `, h('b', { class: cls }, value));
    replace(this.legend,
      h('b', { class: 't' }, beijingTime(bar.ts).slice(0, 16)),
      field('O', 'o', price(bar.open)), field('H', 'h', price(bar.high)),
      field('L', 'l', price(bar.low)), field('C', 'c', price(bar.close)),
      field('V', 'v', count(bar.volume)),
      bar.final === false ? h('span', { class: 'forming' }, 'forming') : null,
      h('span', { class: 'muted bars' }, `${this.bars.length} bars`));
  }

  // Lines of an indicator answer ({time, values: {output: [...]}}) over the candles (pane 0) or
  // in the indicator pane (pane 1); histogram outputs (MACD's hist) draw as columns.
  setIndicator(where, answer, histogramOutputs = []) {
    const list = where === 'overlay' ? this.overlays : this.panel;
    for (const series of list.splice(0)) this.chart.removeSeries(series);
    if (!answer) return;
    const pane = where === 'overlay' ? 0 : 1;
    Object.entries(answer.values).forEach(([output, values], index) => {
      const histogram = histogramOutputs.includes(output);
      const series = this.chart.addSeries(histogram ? HistogramSeries : LineSeries, histogram
        ? { priceLineVisible: false, lastValueVisible: false }
        : { color: lineColors[index % lineColors.length], lineWidth: 1, priceLineVisible: false, lastValueVisible: false, title: output }, pane);
      series.setData(answer.time.map((ms, i) => ({ time: chartTime(ms), value: values[i] }))
        .filter((point) => point.value !== null && point.value !== undefined)
        .map((point) => (histogram ? { ...point, color: point.value >= 0 ? up : down } : point)));
      list.push(series);
    });
    if (pane === 1) this.chart.panes()[1]?.setStretchFactor(0.35);
  }

  destroy() {
    this.chart.remove();
  }
}

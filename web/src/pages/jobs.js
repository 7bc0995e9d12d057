// Data jobs (GET/POST /api/v1/data/jobs, POST .../{id}/cancel; docs/ingest.md): every job with
// a progress bar (chunks done / total), rows and ETA, polled every 2 s; a form starts a job
// (operators; the server's refusal is shown as it is).
import { get, post } from '../api.js';
import { beijingTime, count, errorBox, h, replace, table } from '../dom.js';

const pollMs = 2000;

function progressBar(job) {
  const { chunks_done: done = 0, chunks_total: total = 0 } = job.progress ?? {};
  const fraction = job.state === 'succeeded' ? 1 : total > 0 ? done / total : 0;
  return h('div', { class: 'progress', title: `${done} / ${total} chunks` },
    h('progress', { max: 1, value: fraction }), h('span', {}, `${Math.round(fraction * 100)}% (${done}/${total})`));
}

function eta(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms < 60000 ? `${Math.ceil(ms / 1000)} s` : `${Math.ceil(ms / 60000)} min`;
}

export function render(view) {
  const list = h('div', { id: 'jobs' });
  const message = h('div', { id: 'job-message', role: 'status' });
  const dataset = h('input', { name: 'dataset', value: 'daily', placeholder: 'daily, minute:5m, tick, …' });
  const symbols = h('input', { name: 'symbols', placeholder: '600519.SH,000001.SZ' });
  const from = h('input', { name: 'from', type: 'date' });
  const to = h('input', { name: 'to', type: 'date' });
  let timer = null;
  let stopped = false;

  async function reload() {
    try {
      const jobs = await get('/api/v1/data/jobs');
      replace(list, jobs.length ? table(['Job', 'Description', 'State', 'Progress', 'Rows written', 'ETA', 'Submitted', ''],
        jobs.map((job) => h('tr', { 'data-job-id': job.id },
          h('td', { class: 'mono' }, job.id), h('td', { class: 'wrap' }, job.description ?? job.spec?.dataset ?? ''),
          h('td', {}, job.state, job.error ? h('div', { class: 'error' }, `${job.error.code}: ${job.error.message}`) : ''),
          h('td', {}, progressBar(job)), h('td', { class: 'num' }, count(job.progress?.rows_written)),
          h('td', {}, job.state === 'running' ? eta(job.progress?.eta_ms) : '–'),
          h('td', {}, beijingTime(job.submitted_at)),
          h('td', {}, ['queued', 'running'].includes(job.state) ? h('button', { class: 'link', onclick: () => cancel(job.id) }, 'cancel') : ''))))
        : h('p', { class: 'muted' }, 'No jobs: none submitted since the server started, or finished ones have expired.'));
    } catch (error) {
      replace(list, errorBox(error));
    }
    if (!stopped) timer = setTimeout(reload, pollMs);
  }

  async function cancel(id) {
    try {
      await post(`/api/v1/data/jobs/${encodeURIComponent(id)}/cancel`);
    } catch (error) {
      replace(message, errorBox(error));
    }
  }

  const form = h('form', { class: 'inline', onsubmit: async (event) => {
    event.preventDefault();
    const body = { dataset: dataset.value.trim() };
    if (symbols.value.trim()) body.symbols = symbols.value.trim();
    if (from.value) body.from = from.value;
    if (to.value) body.to = to.value;
    try {
      const job = await post('/api/v1/data/jobs', body);
      replace(message, h('p', { class: 'ok' }, `Submitted ${job.id ?? ''}`));
    } catch (error) {
      replace(message, errorBox(error));
    }
  } }, dataset, symbols, from, to, h('button', { type: 'submit' }, 'Start job'));

  replace(view, h('h1', {}, 'Data jobs'), form, message, list);
  reload();
  return () => { stopped = true; clearTimeout(timer); };
}

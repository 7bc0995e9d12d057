// System panel: GET /api/v1/system/status (every component's state) and
// /api/v1/realtime/status, refreshed every 5 s. Roles without access see the server's refusal.
import { get } from '../api.js';
import { errorBox, h, replace } from '../dom.js';
import { connectionState } from '../live.js';

const refreshMs = 5000;

function tree(value) {
  if (value === null || typeof value !== 'object') return h('span', { class: 'mono' }, JSON.stringify(value));
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  return h('dl', {}, entries.map(([key, item]) => [h('dt', {}, String(key)), h('dd', {}, tree(item))]));
}

export function render(view) {
  const status = h('section', { class: 'card', id: 'system-status' }, h('p', { class: 'muted' }, 'Loading…'));
  const realtime = h('section', { class: 'card', id: 'realtime-status' });
  replace(view, h('h1', {}, 'System'), h('div', { class: 'grid2' }, status, realtime));
  let timer = null;
  let stopped = false;
  const refresh = async () => {
    const [system, live] = await Promise.allSettled([get('/api/v1/system/status'), get('/api/v1/realtime/status')]);
    replace(status, h('h2', {}, 'Server'), system.status === 'fulfilled' ? tree(system.value) : errorBox(system.reason));
    replace(realtime, h('h2', {}, 'Realtime'), h('p', {}, `This page's connection: ${connectionState()}`),
      live.status === 'fulfilled' ? tree(live.value) : errorBox(live.reason));
    if (!stopped) timer = setTimeout(refresh, refreshMs);
  };
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

// Entry point: a hash router (#/overview, #/symbol/600519.SH, ...). Each page's render(view,
// param) draws into #view and returns a cleanup that leaves its live rooms and stops its timers;
// the router runs it before the next page. Every page but login needs a session.
import './style.css';
import { forget, logout, session } from './api.js';
import { h, replace } from './dom.js';
import { onStatus, reconnect } from './live.js';
import * as jobs from './pages/jobs.js';
import * as login from './pages/login.js';
import * as orders from './pages/orders.js';
import * as overview from './pages/overview.js';
import * as search from './pages/search.js';
import * as symbol from './pages/symbol.js';
import * as system from './pages/system.js';
import * as watchlists from './pages/watchlists.js';

const pages = { login, overview, search, symbol, watchlists, orders, jobs, system };
const menu = [['overview', 'Market'], ['search', 'Search'], ['watchlists', 'Watchlists'],
  ['orders', 'Orders'], ['jobs', 'Jobs'], ['system', 'System']];
let cleanup = () => {};
let stopStatus = () => {};

function drawHeader(current) {
  const signedIn = session();
  replace(document.getElementById('nav'), signedIn
    ? menu.map(([name, label]) => h('a', { href: `#/${name}`, class: name === current ? 'active' : '' }, label))
    : []);
  const who = document.getElementById('who');
  if (!signedIn) return replace(who);
  const dot = h('span', { class: 'dot', title: 'live connection' });
  stopStatus();
  stopStatus = onStatus((state) => { dot.className = `dot ${state}`; dot.title = `live connection: ${state}`; });
  replace(who, dot, `${signedIn.user?.username ?? ''} (${signedIn.user?.role ?? ''}) `,
    h('button', { class: 'link', onclick: async () => { await logout().catch(() => {}); reconnect(); location.hash = '#/login'; } }, 'Sign out'));
}

function route() {
  const [, name = 'overview', ...rest] = location.hash.replace(/^#/, '').split('/');
  const param = rest.length ? decodeURIComponent(rest.join('/')) : '';
  const page = session() ? (pages[name] && name !== 'login' ? name : 'overview') : 'login';
  if (page === 'login' && name !== 'login') {
    sessionStorage.setItem('mystocks.after-login', location.hash);
  }
  cleanup();
  drawHeader(page);
  const view = document.getElementById('view');
  view.replaceChildren();
  view.dataset.page = page;
  cleanup = pages[page].render(view, param) ?? (() => {});
}

window.addEventListener('hashchange', route);
// The session ended under us (refresh refused, token revoked): drop it and ask to sign in again.
window.addEventListener('mystocks:signed-out', () => {
  forget();
  reconnect();
  if (location.hash === '#/login') route();
  else location.hash = '#/login';
});
route();

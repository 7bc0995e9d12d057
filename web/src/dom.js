// Small DOM and formatting helpers. Text always goes in as text nodes, never as HTML, so
// server-provided strings (names, error messages) cannot inject markup.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function replace(target, ...children) {
  target.replaceChildren(...children.flat(Infinity).filter((child) => child !== null && child !== undefined));
}

export const price = (value) => (value === null || value === undefined ? '–' : Number(value).toFixed(2));
export const percent = (value) => (value === null || value === undefined ? '–' : `${value >= 0 ? '+' : ''}${Number(value).toFixed(2)}%`);
export const count = (value) => (value === null || value === undefined ? '–' : Number(value).toLocaleString('en-US'));
export const sign = (value) => (value > 0 ? 'up' : value < 0 ? 'down' : 'flat');

// China A-share times are Beijing time (UTC+8, no daylight saving) whatever the viewer's zone.
export const beijingOffsetSeconds = 8 * 3600;
export function beijingTime(ms, withDate = true) {
  const text = new Date(ms + beijingOffsetSeconds * 1000).toISOString().replace('T', ' ');
  return withDate ? text.slice(0, 19) : text.slice(11, 19);
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, String(error?.message ?? error));
}

export function table(headers, rows) {
  return h('table', {}, h('thead', {}, h('tr', {}, headers.map((text) => h('th', {}, text)))),
    h('tbody', {}, rows));
}

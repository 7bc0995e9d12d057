// REST client of the dashboard: JSON envelopes in, data or an ApiError out. The session (access
// and refresh token, user) lives in sessionStorage, so it survives a reload but not the tab.
// Bearer tokens, not cookie sessions: a browser never attaches them by itself, so unsafe methods
// need no CSRF token (docs/security.md). A 401 triggers one refresh (rotating the refresh token)
// and one retry; concurrent 401s share that refresh.

const storageKey = 'mystocks.session';

export class ApiError extends Error {
  constructor(status, body) {
    // "dataset: data type 'weekly' is unknown: expected ...": the field first, when one is named.
    const field = body?.errors?.find((e) => e.field)?.field;
    const detail = body?.errors?.find((e) => e.message && e.message !== body.message)?.message;
    const text = body?.message ? (detail ? `${body.message} (${detail})` : body.message) : `HTTP ${status}`;
    super(field && !text.startsWith(`${field}:`) ? `${field}: ${text}` : text);
    this.status = status;
    this.code = body?.code;
    this.errors = body?.errors ?? [];
  }
}

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(storageKey) ?? 'null');
  } catch {
    return null;
  }
}

function keep(data) {
  const value = { access: data.access_token, refresh: data.refresh_token, user: data.user };
  sessionStorage.setItem(storageKey, JSON.stringify(value));
  return value;
}

export function forget() {
  sessionStorage.removeItem(storageKey);
}

async function send(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  return { response, parsed };
}

let refreshing = null;

async function refresh() {
  const current = session();
  if (!current?.refresh) return null;
  const { response, parsed } = await send('POST', '/api/v1/auth/refresh', { refresh_token: current.refresh });
  if (!response.ok || !parsed?.success) {
    forget();
    return null;
  }
  return keep({ ...parsed.data, user: parsed.data.user ?? current.user });
}

// Rotates the token pair once for every caller waiting on it; null when the session is over.
export function renewSession() {
  refreshing ??= refresh().finally(() => { refreshing = null; });
  return refreshing;
}

// The whole envelope (data plus pagination, message) of a successful call.
export async function callEnvelope(method, path, body) {
  let token = session()?.access;
  let { response, parsed } = await send(method, path, body, token);
  if (response.status === 401 && token) {
    const renewed = await renewSession();
    if (renewed) ({ response, parsed } = await send(method, path, body, renewed.access));
    if (response.status === 401) window.dispatchEvent(new Event('mystocks:signed-out'));
  }
  if (!response.ok || !parsed?.success) throw new ApiError(response.status, parsed);
  return parsed;
}

export const call = async (method, path, body) => (await callEnvelope(method, path, body)).data;

export const get = (path, query) => call('GET', query ? `${path}?${new URLSearchParams(query)}` : path);
export const getPage = (path, query) => callEnvelope('GET', `${path}?${new URLSearchParams(query)}`);
export const post = (path, body) => call('POST', path, body ?? {});
export const del = (path) => call('DELETE', path);

export async function login(username, password) {
  const { response, parsed } = await send('POST', '/api/v1/auth/login', { username, password });
  if (!response.ok || !parsed?.success) throw new ApiError(response.status, parsed);
  return keep(parsed.data);
}

export async function logout() {
  try {
    await post('/api/v1/auth/logout');
  } finally {
    forget();
  }
}

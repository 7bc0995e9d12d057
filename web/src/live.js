// Live market data over Socket.IO (docs/realtime.md): one connection to the /market namespace,
// shared by every page. subscribe(room, apply) follows the room protocol: apply the snapshot the
// subscribe ack carries, then pushes with seq > last; a push with seq <= last is already in the
// snapshot and is skipped; a gap (seq > last + 1) on a room that is not conflated asks for a new
// snapshot. Quote and forming-bar rooms conflate, so a jump there only means superseded states.
import { io } from 'socket.io-client';
import { renewSession, session } from './api.js';
import { admitPush, admitSnapshot } from './room_sequence.js';

const kinds = ['quote', 'tick', 'kline_1m', 'depth', 'index'];
const conflated = new Set(['quote', 'kline_1m']);
let socket = null;
const rooms = new Map();  // room -> {last, listeners:Set}
const statusListeners = new Set();

export function connectionState() {
  if (!socket) return 'off';
  return socket.connected ? 'live' : 'reconnecting';
}

export function onStatus(listener) {
  statusListeners.add(listener);
  listener(connectionState());
  return () => statusListeners.delete(listener);
}

function notifyStatus() {
  for (const listener of statusListeners) listener(connectionState());
}

function deliver(room, message) {
  const entry = rooms.get(room);
  if (!entry || message.data === null || message.data === undefined) return;
  for (const listener of entry.listeners) listener(message.data, message);
}

async function join(room) {
  const entry = rooms.get(room);
  if (!entry || !socket) return;
  let reply;
  try {
    reply = await socket.timeout(5000).emitWithAck('subscribe', { room });
  } catch (error) {
    entry.error = `subscribe ${room}: ${error.message}`;
    return;
  }
  if (reply?.error_code || reply?.error) {
    entry.error = `subscribe ${room}: ${reply.message ?? reply.error_code ?? JSON.stringify(reply.error)}`;
    for (const listener of entry.errorListeners) listener(entry.error);
    return;
  }
  const snapshot = reply?.snapshot;
  if (snapshot && admitSnapshot(entry, snapshot.seq)) deliver(room, snapshot);
}

function onPush(kind, message) {
  const room = `${kind}:${message.symbol}`;
  const entry = rooms.get(room);
  if (!entry) return;
  const verdict = admitPush(entry, message.seq, conflated.has(kind));
  if (verdict === 'resync') socket.emit('snapshot', { room });
  else if (verdict === 'apply') deliver(room, message);
}

function ensureSocket() {
  if (socket) return socket;
  // A function, so every (re)connect presents the current access token.
  const auth = (answer) => answer(session()?.access ? { token: session().access } : {});
  socket = io('/market', { auth, transports: ['websocket', 'polling'] });
  for (const kind of kinds) socket.on(kind, (message) => onPush(kind, message));
  socket.on('snapshot', (message) => {
    const entry = rooms.get(message.room);
    if (entry && admitSnapshot(entry, message.seq)) deliver(message.room, message);
  });
  socket.on('connect', () => {
    notifyStatus();
    if (!socket.recovered) for (const room of rooms.keys()) join(room);
  });
  socket.on('resubscribe', () => { for (const room of rooms.keys()) join(room); });
  socket.on('disconnect', notifyStatus);
  // An expired token ends the namespace (auth_expired) or refuses the connect: renew, reconnect.
  const renewAndConnect = async () => {
    const current = socket;
    const renewed = await renewSession();
    if (current !== socket) return;  // signed out or in again meanwhile
    if (renewed) current.connect();
    else window.dispatchEvent(new Event('mystocks:signed-out'));
  };
  socket.on('auth_expired', renewAndConnect);
  socket.on('connect_error', (error) => {
    notifyStatus();
    if (/token expired/.test(error.message)) renewAndConnect();
  });
  return socket;
}

// Calls apply(data, message) for the snapshot and every newer update; onError(text) when the
// server refuses the room. Returns the function that leaves the room.
export function subscribe(room, apply, onError = () => {}) {
  ensureSocket();
  let entry = rooms.get(room);
  const fresh = !entry;
  if (fresh) {
    entry = { last: 0, listeners: new Set(), errorListeners: new Set(), error: null };
    rooms.set(room, entry);
  }
  entry.listeners.add(apply);
  entry.errorListeners.add(onError);
  if (fresh && socket.connected) join(room);
  else if (!fresh && entry.error) onError(entry.error);
  return () => {
    entry.listeners.delete(apply);
    entry.errorListeners.delete(onError);
    if (entry.listeners.size === 0) {
      rooms.delete(room);
      socket?.emit('unsubscribe', { room });
    }
  };
}

// After sign-in or sign-out the identity changes: reconnect with the new token.
export function reconnect() {
  if (!socket) return;
  socket.disconnect();
  socket = null;
  rooms.clear();
  notifyStatus();
}

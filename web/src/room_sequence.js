// The per-room ordering rules of docs/realtime.md ("Snapshot on join, then sequenced updates"),
// kept free of the socket so they can be tested alone. A room's state is {last}: the seq of the
// newest message applied. Pure functions; the caller owns the state object.

// The snapshot of a subscribe ack or a `snapshot` answer: applied unless a newer push already was
// (pushes can overtake the ack).
export function admitSnapshot(room, seq = 0) {
  if (seq < room.last) return false;
  room.last = seq;
  return true;
}

// A push: 'skip' when the snapshot or an earlier push already covered it, 'resync' on a gap in a
// room whose every message counts (ticks, final bars, depth), 'apply' otherwise. Conflated rooms
// (quotes, forming bars) drop superseded states on purpose, so a jump there is no gap. Messages
// without seq (a server past its sequence window) are applied as they come.
export function admitPush(room, seq, conflated) {
  if (typeof seq !== 'number') return 'apply';
  if (seq <= room.last) return 'skip';
  const gap = room.last > 0 && seq > room.last + 1 && !conflated;
  room.last = seq;
  return gap ? 'resync' : 'apply';
}

"""Stream: live room events over Socket.IO, in order, without silent gaps or duplicates.

It follows the server's protocol (docs/realtime.md, "Snapshot on join, then sequenced updates"):
each room's subscribe answers a snapshot with the room's seq; pushes with seq <= the last one
applied are duplicates and are skipped; a push with seq > last + 1 is a gap, answered by asking
the room's snapshot again and going on from it (the snapshot event then says `gap=(first, last)`
seq missed; for quote and forming-bar rooms those were superseded states). Pushes that arrive
before their room's snapshot wait for it. Every push's recovery offset is kept, and a reconnect
(python-socketio's own after a dropped transport, or ours after `auth_expired` with a renewed
token) presents {pid, offset} so the server replays what was missed; when it cannot
(`resubscribe`), every room is subscribed again from a fresh snapshot.

Threads: python-socketio calls the handlers on its read thread, in arrival order; the room
state is guarded by one lock, under which events are queued with put_nowait (never blocks) and
nothing is sent. Iterate (and call close) from one consumer thread, which also makes the
backfill's REST calls; close() may also be called from another thread to end a blocked
iteration.
"""
import collections
import decimal
import json
import queue
import threading
import time

import engineio
import pandas as pd
import socketio

from .errors import MyStocksError
from .frames import TIMEZONE

KINDS = ("quote", "tick", "kline_1m", "depth", "index")
_NAMESPACE = "/market"
_RESYNC_RETRY_SECONDS = 2   # ask a room's snapshot again when no answer came for this long
_MAX_HELD_PUSHES = 1000     # pushes kept per room while it waits for its snapshot
_SUBSCRIBE_ATTEMPTS = 4
_CLOSED = object()


class _DecimalJson:
    """python-socketio's json hook: room data keeps the server's exact decimals."""

    @staticmethod
    def loads(text, **kwargs):
        return json.loads(text, parse_float=decimal.Decimal, **kwargs)

    @staticmethod
    def dumps(value, **kwargs):
        return json.dumps(value, **kwargs)


class _DecimalPacket(socketio.packet.Packet):
    json = _DecimalJson  # per client class, not Packet.json: other clients are left alone


class _OrderedEngineIO(engineio.Client):
    """Hands messages on in arrival order, on the read thread: engineio would start a thread
    per message, and threads can reorder a room's pushes (each a spurious gap to resync)."""

    def _trigger_event(self, event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class _RecoveringClient(socketio.Client):
    """Keeps the pid of each CONNECT answer, which a reconnect must present for recovery."""

    pid = None

    def _engineio_client_class(self):
        return _OrderedEngineIO

    def _handle_connect(self, namespace, data):
        if isinstance(data, dict) and data.get("pid"):
            self.pid = data["pid"]
        super()._handle_connect(namespace, data)


class Event:
    """One room update. type: "snapshot" (state on join or after a gap), "update" (a push) or
    "backfill" (a stored tick a gap lost, read through REST; Stream(backfill=True)).

    kind/symbol/room say where from; data is the row ({column: value}, Decimal numbers);
    timestamp a tz-aware Asia/Shanghai pandas.Timestamp; seq the room's sequence number (None
    where the server numbers no more rooms); gap (snapshots only) the (first, last) seq that
    were never delivered, or None; offset the recovery offset of the push.
    """

    __slots__ = ("type", "kind", "symbol", "room", "data", "timestamp", "seq", "gap", "offset")

    def __init__(self, type, room, message, *, gap=None, offset=None):  # noqa: A002
        self.type, self.room = type, room
        self.kind, _, self.symbol = room.partition(":")
        self.data = message.get("data")
        stamp = message.get("timestamp")
        self.timestamp = None if stamp is None else \
            pd.Timestamp(int(stamp), unit="ms", tz="UTC").tz_convert(TIMEZONE)
        self.seq, self.gap, self.offset = message.get("seq"), gap, offset

    def __repr__(self):
        return (f"Event({self.type} {self.room} seq={self.seq} at {self.timestamp}"
                + (f" gap={self.gap}" if self.gap else "") + ")")


class _Room:
    __slots__ = ("last", "handed", "waiting", "pending")

    def __init__(self):
        self.last = None      # seq of the newest state applied; None before the snapshot
        self.handed = None    # seq of the newest event queued for the consumer
        self.waiting = True   # a snapshot is requested and not yet applied
        self.pending = []     # (message, offset) pushes held until the snapshot


class Stream:
    """Iterator of Event; use as a context manager or call close().

    symbols: one or more symbols (any spelling); kinds: room kinds (quote, tick, kline_1m,
    depth, index). max_pending bounds the events waiting for the consumer: past it, pushes of
    a room are dropped and the room resynchronised from a snapshot once there is room again
    (as the server does with slow clients), never lost silently. timeout: seconds to connect
    and to wait for each subscribe answer. backfill: hand out the stored ticks a tick room's
    gap lost (type "backfill", read through REST) before the snapshot that closes the gap.
    """

    def __init__(self, client, symbols, kinds=("quote",), *, max_pending=10000, timeout=10,
                 backfill=False):
        symbols = [symbols] if isinstance(symbols, str) else list(symbols)
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        unknown = [kind for kind in kinds if kind not in KINDS]
        if unknown or not kinds:
            raise ValueError(f"kinds: {unknown or kinds!r} unknown; expected some of {KINDS}")
        if not symbols:
            raise ValueError("symbols: an empty list; pass at least one symbol")
        self._client, self._timeout = client, timeout
        self._events = queue.Queue(maxsize=max_pending)
        self._errors = collections.deque()  # failures to raise, never dropped for lack of room
        self._backfill = backfill
        self._ready = collections.deque()   # consumer thread only: backfilled ticks, then theirs
        self._tick_seen = {}                # consumer thread only: room -> newest tick time out
        self.connections = 0        # namespace connects so far: 1 + reconnects
        self._lock = threading.Lock()
        self._rooms = {}            # canonical room -> _Room
        self._unanswered = {}       # room -> [event "subscribe" | "snapshot", sent at or None]
        self._offset = None         # recovery offset of the newest push
        self._closed = False
        self._auth_expired = threading.Event()
        self._rate_limited = threading.Event()
        self._sio = _RecoveringClient(serializer=_DecimalPacket, reconnection=True)
        for kind in set(kinds):
            self._sio.on(kind, self._push_handler(kind), namespace=_NAMESPACE)
        self._sio.on("resubscribe", self._on_resubscribe, namespace=_NAMESPACE)
        self._sio.on("connect", self._on_connect, namespace=_NAMESPACE)
        self._sio.on("error", self._on_server_error, namespace=_NAMESPACE)
        self._sio.on("auth_expired", self._on_auth_expired, namespace=_NAMESPACE)
        self._connect()
        try:
            for symbol in symbols:
                for kind in kinds:
                    self._subscribe(f"{kind}:{symbol}")
        except BaseException:
            self.close()
            raise

    # ---- consumer side ----------------------------------------------------------------------

    def __iter__(self):
        return self

    def __next__(self):
        event = self.get()
        if event is None:
            raise StopIteration
        return event

    def get(self, timeout=None):
        """The next event; None once closed. Raises queue.Empty after timeout seconds, and
        MyStocksError when a room cannot be resynchronised (its snapshot was refused)."""
        while not self._closed:
            if self._auth_expired.is_set():
                self._reconnect()
            if self._errors:
                raise self._errors.popleft()
            if self._ready:
                return self._ready.popleft()
            self._resync()  # there may be room in the queue now for rooms that fell behind
            try:
                # Wake up now and then to notice auth_expired and lost resync answers.
                item = self._events.get(timeout=0.5 if timeout is None else min(timeout, 0.5))
            except queue.Empty:
                if timeout is not None:
                    timeout -= 0.5
                    if timeout <= 0:
                        raise
                continue
            if item is _CLOSED:
                break
            return self._backfilled(item)
        return None

    def _backfilled(self, event):
        """The event, after the ticks a gap lost when backfill is on (consumer thread only).

        A tick room's gap means ticks the consumer never got; they are stored, so they are read
        back through REST (ts strictly between the last tick handed out and the snapshot) and
        handed out first, as events of type "backfill" with seq None."""
        if event.kind == "tick" and event.timestamp is not None:
            previous = self._tick_seen.get(event.room)
            self._tick_seen[event.room] = event.timestamp
            first_ms = None if previous is None else previous.value // 1_000_000 + 1
            last_ms = event.timestamp.value // 1_000_000 - 1
            if self._backfill and event.gap and first_ms is not None and first_ms <= last_ms:
                rows = self._client.tick_rows(event.symbol, first_ms, last_ms)
                self._ready.extend(Event("backfill", event.room,
                                         {"data": row, "timestamp": row["ts"]}) for row in rows)
        if not self._ready:
            return event
        self._ready.append(event)
        return self._ready.popleft()

    def close(self):
        """Disconnects, also from a reconnect in progress; a blocked get() or iteration ends."""
        self._closed = True
        # python-socketio 5.7's disconnect() leaves a running reconnect loop going; its abort
        # event is the one way to end it.
        abort = getattr(self._sio, "_reconnect_abort", None)
        if abort is not None:
            abort.set()
        self._sio.disconnect()
        try:
            self._events.put_nowait(_CLOSED)
        except queue.Full:
            pass  # the consumer sees _closed at its next get()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- connection -------------------------------------------------------------------------

    def _auth(self):
        # Called by python-socketio at every (re)connect: a fresh token, and what recovery needs.
        auth = {}
        token = self._client.access_token
        if token:
            auth["token"] = token
        if self._sio.pid is not None:
            auth["pid"] = self._sio.pid
            with self._lock:
                if self._offset is not None:
                    auth["offset"] = self._offset
        return auth

    def _connect(self):
        try:
            self._sio.connect(self._client.url, namespaces=[_NAMESPACE], transports=["websocket"],
                              auth=self._auth, wait_timeout=self._timeout)
        except socketio.exceptions.ConnectionError as refused:
            raise MyStocksError(f"realtime connection to {self._client.url} refused: {refused}",
                                name="UNAUTHENTICATED" if "unauthorized" in str(refused)
                                else None) from None

    def _reconnect(self):
        # The server ended the namespace because the token expired: renew and come back,
        # presenting pid/offset so the pushes of the gap are replayed.
        self._auth_expired.clear()
        self._sio.disconnect()
        self._connect()

    def _on_auth_expired(self, *args):
        self._auth_expired.set()

    def _on_connect(self):
        self.connections += 1  # only python-socketio's thread writes it

    # ---- room protocol ----------------------------------------------------------------------
    # The room state is changed and events are queued (put_nowait: never blocks, calls nothing
    # of ours) under self._lock; snapshot requests are sent after it is released.

    def _subscribe(self, room):
        # The server refuses events over its rate limit (bursts of 100 by default) with
        # RATE_LIMIT_EXCEEDED (in the ack since 2026-12; older servers sent only an `error`
        # event and no ack), so a long list of rooms needs pauses.
        for _ in range(_SUBSCRIBE_ATTEMPTS):
            self._rate_limited.clear()
            answered, answers = threading.Event(), []
            self._sio.emit("subscribe", {"room": room}, namespace=_NAMESPACE,
                           callback=lambda answer=None: (answers.append(answer), answered.set()))
            deadline = time.monotonic() + self._timeout
            while not answered.wait(0.05):
                if self._rate_limited.is_set() or time.monotonic() > deadline:
                    break
            if answered.is_set() and not self._rate_limit_refusal(answers[0]):
                return self._apply_snapshot(self._checked(answers[0], "subscribe", room),
                                            subscribed=True)
            time.sleep(1)  # the server's budget refills meanwhile
        raise MyStocksError(f"subscribe {room}: no answer in {_SUBSCRIBE_ATTEMPTS} attempts",
                            name="DEADLINE_EXCEEDED")

    def _on_server_error(self, payload=None, *args):
        if isinstance(payload, dict) and payload.get("error_code") == "RATE_LIMIT_EXCEEDED":
            self._rate_limited.set()

    @staticmethod
    def _refusal(answer):
        """The server's refusal in an ack ({error: {error_code, message}}, or a flat
        {error_code, message}), {} for a missing answer, None for an answer."""
        if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
            return answer["error"]
        if not isinstance(answer, dict) or "error_code" in answer:
            return answer if isinstance(answer, dict) else {}
        return None

    @classmethod
    def _rate_limit_refusal(cls, answer):
        refusal = cls._refusal(answer)
        return refusal is not None and refusal.get("error_code") == "RATE_LIMIT_EXCEEDED"

    @classmethod
    def _checked(cls, answer, action, room):
        refusal = cls._refusal(answer)
        if refusal is not None:
            raise MyStocksError(f"{action} {room}: {refusal.get('message', 'no answer')}",
                                name=refusal.get("error_code"))
        return answer

    def _on_resubscribe(self, *args):
        # The server could not recover this connection: every room starts again from a snapshot.
        with self._lock:
            for room, state in self._rooms.items():
                state.waiting, state.pending = True, []
                self._unanswered[room] = ["subscribe", None]
        self._resync()

    def _resync(self):
        """Asks the snapshots rooms wait for: not while the consumer's queue is full (the
        answer would be dropped too), and again when one went unanswered for
        _RESYNC_RETRY_SECONDS (the server drops events over its rate limit without an ack)."""
        if not self._unanswered or self._events.full():
            return
        now = time.monotonic()
        with self._lock:
            due = [(room, request) for room, request in self._unanswered.items()
                   if request[1] is None or now - request[1] > _RESYNC_RETRY_SECONDS]
            for room, request in due:
                request[1] = now
        for room, (event, _) in due:
            self._sio.emit(event, {"room": room}, namespace=_NAMESPACE,
                           callback=lambda answer=None, room=room, event=event:
                           self._on_resnapshot(answer, room, subscribed=event == "subscribe"))

    def _on_resnapshot(self, answer, room, subscribed=False):
        if self._rate_limit_refusal(answer):
            return  # still unanswered: _resync asks again after _RESYNC_RETRY_SECONDS
        try:
            self._apply_snapshot(self._checked(answer, "snapshot", room), subscribed=subscribed)
        except MyStocksError as failed:
            self._errors.append(failed)

    def _apply_snapshot(self, answer, subscribed=False):
        snapshot = answer.get("snapshot", answer) if subscribed else answer
        room = answer["room"] if subscribed else snapshot.get("room", answer.get("room"))
        with self._lock:
            state = self._rooms.setdefault(room, _Room())
            self._unanswered.pop(room, None)
            seq = snapshot.get("seq") or 0
            queued = True
            # A snapshot of the state the consumer already has (a resubscribe that missed
            # nothing) is not repeated; a smaller seq means the server started over.
            if snapshot.get("data") is not None and seq != state.handed:
                gap = (state.handed + 1, seq - 1) \
                    if state.handed is not None and seq - 1 > state.handed else None
                queued = self._hand_out(state, Event("snapshot", room, snapshot, gap=gap))
            elif state.handed is not None and seq < state.handed:
                state.handed = None
            state.last = seq if queued else state.last
            state.waiting = False
            pending, state.pending = state.pending, []
            for message, offset in sorted(pending, key=lambda item: item[0].get("seq") or 0):
                self._apply_push(state, room, message, offset)
        self._resync()

    def _push_handler(self, kind):
        def on_push(message, offset=None):
            if not isinstance(message, dict) or "symbol" not in message:
                return
            room = f"{kind}:{message['symbol']}"
            with self._lock:
                if offset is not None:
                    self._offset = offset
                self._apply_push(self._rooms.setdefault(room, _Room()), room, message, offset)
            self._resync()
        return on_push

    def _apply_push(self, state, room, message, offset):
        """Applies one push (lock held); a gap puts the room on the list of _resync."""
        seq = message.get("seq")
        if state.waiting:
            # Only pushes newer than the coming snapshot will count: keep the newest few.
            state.pending.append((message, offset))
            del state.pending[:-_MAX_HELD_PUSHES]
        elif seq is None:  # rooms past the server's numbering carry no seq: nothing to check
            self._hand_out(state, Event("update", room, message, offset=offset))
        elif seq > state.last + 1:
            state.waiting = True
            state.pending.append((message, offset))
            self._unanswered[room] = ["snapshot", None]
        elif seq == state.last + 1:
            state.last = seq
            self._hand_out(state, Event("update", room, message, offset=offset))
        # else: already part of the snapshot or handed out

    def _hand_out(self, state, event):
        """Queues the event (lock held) and answers whether it was. When the consumer is too far
        behind the event is dropped and the room rewound to the last event handed out (-1: none
        yet), so the next push shows a gap and a snapshot that names it follows."""
        try:
            self._events.put_nowait(event)
        except queue.Full:
            state.last = state.handed if state.handed is not None else -1
            return False
        if event.seq is not None:
            state.handed = event.seq
        return True

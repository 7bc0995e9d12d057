// The dashboard's room ordering rules (web/src/room_sequence.js) against the protocol of
// docs/realtime.md: snapshot first, pushes above the last applied seq, gaps resynchronised
// except in conflated rooms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitPush, admitSnapshot } from '../../../web/src/room_sequence.js';

test('a snapshot is applied, then only pushes above its seq', () => {
  const room = { last: 0 };
  assert.equal(admitSnapshot(room, 41), true);
  assert.equal(admitPush(room, 40, false), 'skip');
  assert.equal(admitPush(room, 41, false), 'skip');
  assert.equal(admitPush(room, 42, false), 'apply');
  assert.equal(room.last, 42);
});

test('a push that overtook the subscribe ack makes the older snapshot stale', () => {
  const room = { last: 0 };
  assert.equal(admitPush(room, 8, false), 'apply');
  assert.equal(admitSnapshot(room, 7), false);
  assert.equal(room.last, 8);
  assert.equal(admitSnapshot(room, 8), true);  // the same state again is harmless
});

test('a gap resynchronises a room where every message counts', () => {
  const room = { last: 5 };
  assert.equal(admitPush(room, 9, false), 'resync');
  assert.equal(room.last, 9);
  assert.equal(admitSnapshot(room, 9), true);
  assert.equal(admitPush(room, 10, false), 'apply');
});

test('a jump in a conflated room (quotes, forming bars) is superseded states, not a gap', () => {
  const room = { last: 5 };
  assert.equal(admitPush(room, 9, true), 'apply');
  assert.equal(room.last, 9);
});

test('the first push after a seq-0 snapshot (a stored row, no push yet) is never a gap', () => {
  const room = { last: 0 };
  assert.equal(admitSnapshot(room, 0), true);
  assert.equal(admitSnapshot(room, undefined), true);
  assert.equal(admitPush(room, 57, false), 'apply');
});

test('messages without seq are applied as they come', () => {
  const room = { last: 12 };
  assert.equal(admitPush(room, undefined, false), 'apply');
  assert.equal(room.last, 12);
});

// End-to-end: `mystocks socketio-conformance` behaves like the reference server of the official
// Engine.IO v4 and Socket.IO v5 protocol test suites. Our own tests of the behaviour those
// suites define (handshake values, echo, heartbeats, close, upgrade, namespaces, auth echo,
// message-back, acks with binary attachments, invalid input).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer } from './lib/server.mjs';

const SEP = '\x1e';
let server;
let http;
let wsUrl;
before(async () => {
  server = await startServer({ command: 'socketio-conformance' });
  http = server.base;
  wsUrl = http.replace('http', 'ws');
});
after(async () => { assert.equal((await server.stop()).code, 0); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function open(path) {
  const ws = new WebSocket(`${wsUrl}${path}`);
  ws.binaryType = 'arraybuffer';
  const inbox = [];
  const waiters = [];
  ws.on('message', (data, binary) => {
    const item = binary ? new Uint8Array(data) : data.toString();
    const waiter = waiters.shift();
    if (waiter) waiter(item); else inbox.push(item);
  });
  ws.on('error', () => {});
  const closed = new Promise((resolve) => ws.on('close', resolve));
  const next = () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((r) => waiters.push(r)));
  // Skips server pings, as the official suites do.
  const nextNonPing = async () => { for (;;) { const m = await next(); if (m !== '2') return m; } };
  return { ws, next, nextNonPing, closed, opened: new Promise((r) => ws.on('open', r)) };
}

async function pollingSid(prefix) {
  const text = await (await fetch(`${http}/${prefix}/?EIO=4&transport=polling`)).text();
  return JSON.parse(text.slice(1)).sid;
}

async function socketIo() {
  const conn = open('/socket.io/?EIO=4&transport=websocket');
  await conn.next();          // Engine.IO handshake
  conn.ws.send('40');
  await conn.nextNonPing();   // Socket.IO handshake
  await conn.nextNonPing();   // auth event
  return conn;
}

for (const prefix of ['engine.io', 'socket.io']) {
  test(`${prefix}: handshake values and invalid handshakes`, async () => {
    const response = await fetch(`${http}/${prefix}/?EIO=4&transport=polling`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.ok(text.startsWith('0'));
    const value = JSON.parse(text.slice(1));
    assert.deepEqual(Object.keys(value).sort(), ['maxPayload', 'pingInterval', 'pingTimeout', 'sid', 'upgrades']);
    assert.deepEqual(value.upgrades, ['websocket']);
    assert.equal(value.pingInterval, 300);
    assert.equal(value.pingTimeout, 200);
    assert.equal(value.maxPayload, 1000000);
    for (const query of ['transport=polling', 'EIO=abc&transport=polling', 'EIO=4', 'EIO=4&transport=abc']) {
      assert.equal((await fetch(`${http}/${prefix}/?${query}`)).status, 400, query);
    }
    for (const method of ['POST', 'PUT']) {
      assert.equal((await fetch(`${http}/${prefix}/?EIO=4&transport=polling`, { method })).status, 400, method);
    }
    const ws = open(`/${prefix}/?EIO=4&transport=websocket`);
    const handshake = JSON.parse((await ws.next()).slice(1));
    assert.deepEqual(handshake.upgrades, []);
    ws.ws.close();
    for (const query of ['transport=websocket', 'EIO=abc&transport=websocket', 'EIO=4']) {
      await open(`/${prefix}/?${query}`).closed;
    }
  });

  test(`${prefix}: polling heartbeat, ping timeout, forced close and duplicate polls`, async () => {
    let sid = await pollingSid(prefix);
    for (let i = 0; i < 3; i++) {
      assert.equal(await (await fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`)).text(), '2');
      const push = await fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '3' });
      assert.equal(push.status, 200);
    }
    sid = await pollingSid(prefix);
    await sleep(300 + 200);
    assert.equal((await fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`)).status, 400, 'timed out');

    sid = await pollingSid(prefix);
    const [poll] = await Promise.all([
      fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`),
      sleep(20).then(() => fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '1' })),
    ]);
    assert.equal(poll.status, 200);
    assert.equal(await poll.text(), '6');
    assert.equal((await fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`)).status, 400);

    sid = await pollingSid(prefix);
    const polls = await Promise.all([
      fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`),
      sleep(5).then(() => fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}&t=burst`)),
    ]);
    assert.equal(polls[0].status, 200);
    assert.equal(await polls[0].text(), '1');
    assert.equal(polls[1].status, 400);
    assert.equal((await fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`)).status, 400);
  });

  test(`${prefix}: WebSocket heartbeat, timeout and forced close`, async () => {
    const conn = open(`/${prefix}/?EIO=4&transport=websocket`);
    await conn.next();
    for (let i = 0; i < 3; i++) {
      assert.equal(await conn.next(), '2');
      conn.ws.send('3');
    }
    conn.ws.close();
    await open(`/${prefix}/?EIO=4&transport=websocket`).closed;  // never pongs: closed
    const closing = open(`/${prefix}/?EIO=4&transport=websocket`);
    await closing.next();
    closing.ws.send('1');
    await closing.closed;
  });

  test(`${prefix}: upgrade from polling to WebSocket`, async () => {
    let sid = await pollingSid(prefix);
    let conn = open(`/${prefix}/?EIO=4&transport=websocket&sid=${sid}`);
    await conn.opened;
    conn.ws.send('2probe');
    assert.equal(await conn.next(), '3probe');
    assert.equal(await (await fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`)).text(), '6');
    conn.ws.send('5');
    if (prefix === 'engine.io') {
      conn.ws.send('4hello');
      assert.equal(await conn.nextNonPing(), '4hello');
    }
    conn.ws.close();

    sid = await pollingSid(prefix);
    conn = open(`/${prefix}/?EIO=4&transport=websocket&sid=${sid}`);
    await conn.opened;
    conn.ws.send('2probe');
    assert.equal(await conn.next(), '3probe');
    conn.ws.send('5');
    // No poll was waiting: as with Node, the noop is for a poll only and never goes over WebSocket;
    // the first message after the upgrade is the answer to ours.
    conn.ws.send(prefix === 'engine.io' ? '4after' : '40');
    assert.match(await conn.nextNonPing(), prefix === 'engine.io' ? /^4after$/ : /^40\{"sid"/);
    assert.equal((await fetch(`${http}/${prefix}/?EIO=4&transport=polling&sid=${sid}`)).status, 400);
    await open(`/${prefix}/?EIO=4&transport=websocket&sid=${sid}`).closed;
    conn.ws.close();
  });
}

test('engine.io: messages are echoed on both transports, invalid packets close the session', async () => {
  for (const body of ['4hello', `4test1${SEP}4test2${SEP}4test3`, `4hello${SEP}bAQIDBA==`]) {
    const sid = await pollingSid('engine.io');
    const push = await fetch(`${http}/engine.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body });
    assert.equal(await push.text(), 'ok');
    assert.equal(await (await fetch(`${http}/engine.io/?EIO=4&transport=polling&sid=${sid}`)).text(), body);
  }
  const sid = await pollingSid('engine.io');
  const bad = await fetch(`${http}/engine.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: 'abc' });
  assert.equal(bad.status, 400);
  assert.equal((await fetch(`${http}/engine.io/?EIO=4&transport=polling&sid=${sid}`)).status, 400);

  const conn = open('/engine.io/?EIO=4&transport=websocket');
  await conn.next();
  conn.ws.send('4hello');
  assert.equal(await conn.nextNonPing(), '4hello');
  conn.ws.send(Uint8Array.from([1, 2, 3, 4]));
  assert.deepEqual(await conn.nextNonPing(), Uint8Array.from([1, 2, 3, 4]));
  conn.ws.send('abc');
  await conn.closed;
});

test('socket.io: namespaces, auth echo and invalid namespace', async () => {
  for (const [send, prefix, auth] of [['40', '40', '{}'], ['40{"token":"123"}', '40', '{"token":"123"}'],
    ['40/custom,', '40/custom,', '{}'], ['40/custom,{"token":"abc"}', '40/custom,', '{"token":"abc"}']]) {
    const conn = open('/socket.io/?EIO=4&transport=websocket');
    await conn.next();
    conn.ws.send(send);
    const handshake = await conn.nextNonPing();
    assert.ok(handshake.startsWith(prefix), handshake);
    assert.deepEqual(Object.keys(JSON.parse(handshake.slice(prefix.length))), ['sid']);
    const nsp = prefix === '40' ? '' : '/custom,';
    assert.equal(await conn.nextNonPing(), `42${nsp}["auth",${auth}]`);
    conn.ws.close();
  }
  const conn = open('/socket.io/?EIO=4&transport=websocket');
  await conn.next();
  conn.ws.send('40/random');
  assert.equal(await conn.nextNonPing(), '44/random,{"message":"Invalid namespace"}');
  conn.ws.close();
  const invalid = open('/socket.io/?EIO=4&transport=websocket');
  await invalid.next();
  invalid.ws.send('4abc');
  await invalid.closed;
});

test('socket.io: disconnect, message-back and acks with binary attachments', async () => {
  // Leaving the main namespace keeps the Engine.IO connection: heartbeats go on (as Node).
  let conn = await socketIo();
  conn.ws.send('41');
  assert.equal(await conn.next(), '2');
  conn.ws.send('3');
  conn.ws.send('40/custom');
  assert.match(await conn.nextNonPing(), /^40\/custom,\{"sid":/);
  conn.ws.close();

  conn = await socketIo();
  conn.ws.send('40/custom');
  await conn.nextNonPing();
  await conn.nextNonPing();
  conn.ws.send('41/custom');
  conn.ws.send('42["message","message to main namespace"]');
  assert.equal(await conn.nextNonPing(), '42["message-back","message to main namespace"]');
  conn.ws.close();

  conn = await socketIo();
  conn.ws.send('42["message",1,"2",{"3":[true]}]');
  assert.equal(await conn.nextNonPing(), '42["message-back",1,"2",{"3":[true]}]');
  conn.ws.send('452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
  conn.ws.send(Uint8Array.from([1, 2, 3]));
  conn.ws.send(Uint8Array.from([4, 5, 6]));
  assert.equal(await conn.nextNonPing(), '452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
  assert.deepEqual(await conn.nextNonPing(), Uint8Array.from([1, 2, 3]));
  assert.deepEqual(await conn.nextNonPing(), Uint8Array.from([4, 5, 6]));
  conn.ws.send('42456["message-with-ack",1,"2",{"3":[false]}]');
  assert.equal(await conn.nextNonPing(), '43456[1,"2",{"3":[false]}]');
  conn.ws.send('452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
  conn.ws.send(Uint8Array.from([1, 2, 3]));
  conn.ws.send(Uint8Array.from([4, 5, 6]));
  assert.equal(await conn.nextNonPing(), '462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
  assert.deepEqual(await conn.nextNonPing(), Uint8Array.from([1, 2, 3]));
  assert.deepEqual(await conn.nextNonPing(), Uint8Array.from([4, 5, 6]));
  conn.ws.close();

  for (const garbage of ['4abc', '42{}', '42abc["message-with-ack",1,"2",{"3":[false]}]']) {
    conn = await socketIo();
    conn.ws.send(garbage);
    await conn.closed;
  }
});

// End-to-end: the two transports of one Engine.IO session never race. The upgrade's noop ends
// the pending poll and never reaches the WebSocket, and a close packet posted after the client
// left its namespaces is answered 200. Each runs deterministically first, then many times with
// a busy-loop thread per core, the load under which the races once showed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { connect, connected, once, startRealtimeServer, until } from './lib/realtime.mjs';

let server;
before(async () => { server = await startRealtimeServer(); });
after(async () => { assert.equal((await server.stop()).code, 0); });

const pollUrl = (sid) => `${server.base}/socket.io/?EIO=4&transport=polling&sid=${sid}`;

async function handshake() {
  const text = await (await fetch(`${server.base}/socket.io/?EIO=4&transport=polling`)).text();
  return JSON.parse(text.slice(1)).sid;
}

async function post(sid, body) {
  const response = await fetch(pollUrl(sid), { method: 'POST', body });
  return { status: response.status, body: await response.text() };
}

// Busy loops on every core for the duration of `work`.
async function underLoad(work) {
  const source = 'const { workerData } = require("node:worker_threads");' +
    'const stop = new Int32Array(workerData); while (Atomics.load(stop, 0) === 0) {}';
  const stop = new SharedArrayBuffer(4);
  const workers = Array.from({ length: availableParallelism() }, () => new Worker(source, { eval: true, workerData: stop }));
  try {
    return await work();
  } finally {
    Atomics.store(new Int32Array(stop), 0, 1);
    await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
  }
}

// Upgrade with no poll waiting: the noop must stay with the polling side.
async function upgradeWithoutPendingPoll() {
  const sid = await handshake();
  assert.equal((await post(sid, '40')).status, 200);
  const connectReply = await (await fetch(pollUrl(sid))).text();
  assert.match(connectReply, /^40\{"sid"/);
  const ws = new WebSocket(`ws://${server.host}:${server.port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
  const frames = [];
  ws.on('message', (data) => frames.push(data.toString()));
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  ws.send('2probe');
  await until(() => frames.includes('3probe'), 5000, '3probe');
  ws.send('5');
  ws.send('42["ping"]');
  await until(() => frames.some((frame) => frame.startsWith('42["pong"')), 5000, 'pong over the WebSocket');
  ws.close();
  return frames;
}

test('the upgrade noop never arrives on the WebSocket', async () => {
  const frames = await upgradeWithoutPendingPoll();
  assert.ok(!frames.includes('6'), `WebSocket frames: ${JSON.stringify(frames)}`);
});

test('a pending poll is released by the upgrade with a noop', async () => {
  const sid = await handshake();
  const poll = fetch(pollUrl(sid)).then((response) => response.text());
  const ws = new WebSocket(`ws://${server.host}:${server.port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  ws.send('2probe');
  assert.equal(await poll, '6');
  ws.close();
});

async function leaveThenClose() {
  const sid = await handshake();
  assert.equal((await post(sid, '40')).status, 200);
  await (await fetch(pollUrl(sid))).text();
  assert.equal((await post(sid, '41')).status, 200);
  return post(sid, '1');
}

test('a close packet after the client left its namespaces is answered 200', async () => {
  assert.deepEqual(await leaveThenClose(), { status: 200, body: 'ok' });
});

test('under load: upgrades and polling closes do not race', { timeout: 120000 }, async () => {
  await underLoad(async () => {
    for (let round = 0; round < 20; round += 1) {
      const frames = await upgradeWithoutPendingPoll();
      assert.ok(!frames.includes('6'), `round ${round}: noop on the WebSocket`);
      assert.deepEqual(await leaveThenClose(), { status: 200, body: 'ok' }, `round ${round}`);
      // The stock client: polling, upgrade, then disconnect; no noop may reach it over WebSocket.
      const socket = connect(server.base, { transports: ['polling', 'websocket'] });
      let noopsOnWebSocket = 0;
      const { engine } = socket.io;
      engine.on('packet', (packet) => {
        if (packet.type === 'noop' && engine.transport.name === 'websocket') noopsOnWebSocket += 1;
      });
      const upgraded = once(engine, 'upgrade', 10000);
      await connected(socket, 10000);
      await upgraded;
      await socket.timeout(5000).emitWithAck('ping');
      socket.disconnect();
      assert.equal(noopsOnWebSocket, 0, `round ${round}`);
    }
  });
});

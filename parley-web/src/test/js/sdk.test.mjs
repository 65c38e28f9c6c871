// JS SDK tests with Node's test runner, against a real Parley server (PARLEY_URL; started by
// parley-testkit's JsSdkTest). Network cuts go through a TCP proxy in this process (helpers.mjs).
// Run: PARLEY_URL=http://127.0.0.1:8080 node --experimental-websocket --test parley-web/src/test/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, newCid } from '../../main/resources/parley-web/sdk/parley.js';
import { T, server, until, proxy, client, recorder } from './helpers.mjs';

const BASE = server();

test('full-jitter backoff stays within 0 .. min(cap, base * 2^attempt)', T, () => {
  assert.equal(backoffDelay(0, 1000, 30000, () => 0.9999), 999);
  assert.equal(backoffDelay(1, 1000, 30000, () => 0.9999), 1999);
  assert.equal(backoffDelay(2, 1000, 30000, () => 0.9999), 3999);
  assert.equal(backoffDelay(10, 1000, 30000, () => 0.9999), 29997);
  assert.equal(backoffDelay(50, 1000, 30000, () => 0), 0);
  assert.notEqual(newCid(), newCid());
});

for (const transport of ['websocket', 'sse', 'longpoll']) {
  test(`a visitor gets the greeting, sends and is acked over ${transport}`, T, async () => {
    const c = client(BASE, { site: 'demo', transports: [transport] });
    const messages = recorder(c);
    let conv;
    /** @type {any[]} */
    const answers = [];
    c.on('conversation', (e) => { conv = e.conv; });
    c.on('answer', (a) => answers.push(a));
    try {
      const welcome = await c.connect();
      assert.equal(welcome.role, 'visitor');
      assert.equal(c.transport, transport);
      await until(() => conv, 10000, 'the conversation event');
      // The greeting is shown as an answer; the first message creates the conversation and stores it.
      await until(() => answers.some((a) => a.conv === conv && a.phase === 'end'), 10000, 'the greeting');
      const ack = await c.send(conv, `hello over ${transport}`);
      assert.equal(ack.seq, 2);
      await until(() => messages(conv).some((m) => m.seq === ack.seq), 10000, 'the own message');
      await until(() => messages(conv).some((m) => m.seq === 1), 10000, 'the greeting stored');
      assert.equal(messages(conv).find((m) => m.seq === 1).kind, 'bot');
      assert.equal(messages(conv).find((m) => m.seq === 1).id, answers.find((a) => a.conv === conv).id);
    } finally {
      c.close();
    }
  });
}

test('the lang option goes to the server in hello and comes back in welcome', T, async () => {
  const c = client(BASE, { site: 'demo', lang: 'de-AT', transports: ['websocket'] });
  try {
    const welcome = await c.connect();
    assert.equal(/** @type {any} */ (welcome).lang, 'de-AT');
  } finally {
    c.close();
  }
});

test('a join beyond the connection\'s join rate is made again after the wait the server names', T, async () => {
  const c = client(BASE, { transports: ['websocket'] });
  /** @type {Set<string>} */
  const joined = new Set();
  /** @type {any[]} */
  const errors = [];
  c.on('joined', (j) => joined.add(j.conv));
  c.on('error', (e) => errors.push(e));
  try {
    await c.connect();
    const tag = newCid();
    for (let i = 0; i < 64; i++) { // the burst, written back to back: join and leave
      c.join(`rate-${tag}-${i}`);
      c.leave(`rate-${tag}-${i}`);
    }
    const later = [0, 1, 2, 3, 4].map((i) => `rate-${tag}-later-${i}`);
    for (const conv of later) {
      c.join(conv); // beyond the burst: refused rate_limited, then made again by the SDK
    }
    await until(() => later.every((conv) => joined.has(conv)), 15000, 'every later join, once retried');
    assert.deepEqual(errors.filter((e) => e.code === 'rate_limited'), [], 'handled, not surfaced');
  } finally {
    c.close();
  }
});

test('joined counts who is present and presenceList pages through them', T, async () => {
  const room = 'room-presence-' + newCid();
  const a = client(BASE, { transports: ['websocket'] });
  const b = client(BASE, { transports: ['websocket'] });
  try {
    await a.connect();
    await b.connect();
    /** @type {any[]} */
    const joined = [];
    /** @type {any[]} */
    const pages = [];
    a.on('joined', (j) => joined.push(j));
    b.on('joined', (j) => joined.push(j));
    b.on('presence_list', (p) => pages.push(p));
    a.join(room, 0);
    await until(() => joined.length === 1, 10000, 'the first joined');
    b.join(room, 0);
    await until(() => joined.length === 2, 10000, 'the second joined');
    assert.equal(joined[1].presenceCount, 2);
    assert.equal(joined[1].presence.length, 2);
    b.presenceList(room, undefined, 1);
    await until(() => pages.length === 1, 10000, 'the first page');
    assert.equal(pages[0].count, 2);
    assert.equal(pages[0].users.length, 1);
    b.presenceList(room, pages[0].next, 1);
    await until(() => pages.length === 2, 10000, 'the second page');
    assert.deepEqual([...pages[0].users, ...pages[1].users].sort(), [...joined[1].presence].sort());
    assert.equal(pages[1].next, undefined);
  } finally {
    a.close();
    b.close();
  }
});

test('the same cid sent twice is stored once', T, async () => {
  const room = 'room-dup-' + newCid();
  const c = client(BASE, { transports: ['websocket'] });
  try {
    await c.connect();
    c.join(room, 0);
    const cid = newCid();
    const [a, b] = await Promise.all([c.send(room, 'once', { cid }), c.send(room, 'once', { cid })]);
    assert.equal(a.seq, b.seq);
    assert.equal(a.id, b.id);
  } finally {
    c.close();
  }
});

for (const transport of ['websocket', 'sse', 'longpoll']) {
  test(`network cuts lose nothing and duplicate nothing over ${transport}`, T, async () => {
    const p = await proxy();
    const room = `room-cut-${transport}-` + newCid();
    const sender = client(p.url, { transports: [transport] });
    const reader = client(p.url, { transports: [transport] });
    const got = recorder(reader);
    const states = [];
    sender.on('state', (e) => states.push(e.state));
    try {
      await sender.connect();
      await reader.connect();
      sender.join(room, 0);
      reader.join(room, 0);
      const acks = [];
      let cutSockets = 0;
      for (let i = 1; i <= 30; i++) {
        acks.push(sender.send(room, `m${i}`));
        if (i % 10 === 0) {
          cutSockets += p.cut(); // both clients lose their connections mid-stream, some sends in flight
        }
      }
      assert.ok(cutSockets > 0, 'connections were cut');
      const done = await Promise.all(acks);
      assert.deepEqual(done.map((a) => a.seq), Array.from({ length: 30 }, (_, i) => i + 1),
        'acked in the order sent, each once');
      await until(() => got(room).length >= 30, 20000, 'all 30 at the reader');
      assert.deepEqual(got(room).map((m) => m.text), Array.from({ length: 30 }, (_, i) => `m${i + 1}`));
      if (transport === 'websocket') {
        // SSE and long-polling may absorb a cut inside the transport (Last-Event-ID, a second poll)
        // without the client reconnecting; a WebSocket cannot.
        assert.ok(states.includes('reconnecting'), 'the sender saw the cut');
      }
    } finally {
      sender.close();
      reader.close();
      p.close();
    }
  });
}

test('messages typed while offline wait in the outbox and go out in order on reconnect', T, async () => {
  const p = await proxy();
  const room = 'room-offline-' + newCid();
  const c = client(p.url, { transports: ['websocket'] });
  const got = recorder(c);
  try {
    await c.connect();
    c.join(room, 0);
    await c.send(room, 'before');
    p.refuse(true);
    p.cut();
    await until(() => c.state === 'reconnecting', 20000, 'reconnecting');
    const later = [c.send(room, 'offline 1'), c.send(room, 'offline 2'), c.send(room, 'offline 3')];
    assert.equal(c.pending().length, 3);
    p.refuse(false);
    const acks = await Promise.all(later);
    assert.deepEqual(acks.map((a) => a.seq), [2, 3, 4]);
    await until(() => got(room).length === 4, 10000, 'four messages');
    assert.deepEqual(got(room).map((m) => m.text), ['before', 'offline 1', 'offline 2', 'offline 3']);
    assert.equal(c.pending().length, 0);
  } finally {
    c.close();
    p.close();
  }
});

test('a reconnect resumes from the last seq: no gap, no duplicate', T, async () => {
  const p = await proxy();
  const room = 'room-resume-' + newCid();
  const writer = client(BASE, { transports: ['websocket'] });
  const reader = client(p.url, { transports: ['websocket'] });
  const got = recorder(reader);
  try {
    await writer.connect();
    await reader.connect();
    writer.join(room, 0);
    reader.join(room, 0);
    await writer.send(room, 'one');
    await until(() => got(room).length === 1, 20000, 'one');
    p.refuse(true);
    p.cut();
    for (const t of ['two', 'three', 'four']) {
      await writer.send(room, t); // stored while the reader is away
    }
    p.refuse(false);
    await until(() => got(room).length === 4, 10000, 'the replay');
    assert.deepEqual(got(room).map((m) => m.seq), [1, 2, 3, 4]);
    assert.equal(reader.position(room), 4);
  } finally {
    writer.close();
    reader.close();
    p.close();
  }
});

test('falls back to SSE when WebSocket is blocked, to long-polling when SSE is too, and moves back up', T, async () => {
  let wsBlocked = true;
  class FlakyWebSocket extends WebSocket {
    constructor(url) {
      super(wsBlocked ? 'ws://127.0.0.1:1/blocked' : url);
    }
  }
  const sseBlockingFetch = (url, init) => (String(url).includes('/events')
    ? Promise.reject(new TypeError('blocked by the network')) : fetch(url, init));

  const toSse = client(BASE, { WebSocket: FlakyWebSocket, site: 'demo', openTimeoutMs: 2000 });
  const toPoll = client(BASE, { WebSocket: FlakyWebSocket, fetch: sseBlockingFetch, site: 'demo', openTimeoutMs: 2000 });
  const upAgain = client(BASE, { WebSocket: FlakyWebSocket, upgradeIntervalMs: 300, openTimeoutMs: 2000 });
  try {
    await toSse.connect();
    assert.equal(toSse.transport, 'sse');
    await toPoll.connect();
    assert.equal(toPoll.transport, 'longpoll');

    await upAgain.connect();
    assert.equal(upAgain.transport, 'sse');
    const room = 'room-up-' + newCid();
    upAgain.join(room, 0);
    await upAgain.send(room, 'over sse');
    wsBlocked = false;
    await until(() => upAgain.transport === 'websocket', 10000, 'the move back to WebSocket');
    const ack = await upAgain.send(room, 'over websocket');
    assert.equal(ack.seq, 2);
  } finally {
    toSse.close();
    toPoll.close();
    upAgain.close();
  }
});

test('a bad command gets an error naming its cid and the promise rejects; the connection stays', T, async () => {
  const c = client(BASE, { transports: ['websocket'] });
  try {
    await c.connect();
    await assert.rejects(c.send('room-not-joined-' + newCid(), 'x'), (e) => e.code === 'not_joined');
    const room = 'room-ok-' + newCid();
    c.join(room, 0);
    assert.equal((await c.send(room, 'fine')).seq, 1);
  } finally {
    c.close();
  }
});

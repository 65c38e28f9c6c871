// The outbox kept in storage (docs/CLIENTS.md#outbox): unacknowledged sends survive a reload —
// a new client on the same storage key sends them again with their cids — per site key and per
// user. The first tests use the Outbox alone; the last ones a real server, where a reload is a
// client closed and another one made on the same storage.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox } from '../../main/resources/parley-web/sdk/outbox.js';
import { newCid } from '../../main/resources/parley-web/sdk/parley.js';
import { T, server, until, proxy, client, recorder, MemoryStorage, scriptedWebSocket, scriptedClient } from './helpers.mjs';

const KEY = 'parley:test:demo';

test('a send is stored until it is removed, and a new outbox on the same storage takes it over', () => {
  const storage = new MemoryStorage();
  const a = new Outbox({ storage, key: KEY });
  a.welcomed('v_1');
  a.add('c1', 'chat_1', 'one');
  a.add('c2', 'chat_1', 'two');
  a.remove('c1');
  const b = new Outbox({ storage, key: KEY });
  assert.equal(b.user, 'v_1', 'the last user is remembered');
  assert.deepEqual([...b.values()].map((e) => [e.cid, e.text, e.user]), [['c2', 'two', 'v_1']]);
});

test('a send\'s attachments are stored with it and taken over after a reload', () => {
  const storage = new MemoryStorage();
  const a = new Outbox({ storage, key: KEY });
  a.welcomed('v_1');
  a.add('c1', 'chat_1', '', ['f_AAAAAAAAAAAAAAAAAAAAAA']);
  a.add('c2', 'chat_1', 'plain');
  const b = new Outbox({ storage, key: KEY });
  assert.deepEqual([...b.values()].map((e) => [e.cid, e.text, e.attachments]),
    [['c1', '', ['f_AAAAAAAAAAAAAAAAAAAAAA']], ['c2', 'plain', undefined]]);
});

test('sends made before any welcome belong to the first user welcomed; stored ones come first', () => {
  const storage = new MemoryStorage();
  const before = new Outbox({ storage, key: KEY });
  before.welcomed('v_1');
  before.add('old', 'chat_1', 'typed before the reload');
  const o = new Outbox({ storage: new MemoryStorage(), key: KEY });
  o.add('early', 'chat_1', 'typed before the welcome');
  assert.equal([...o.values()][0].user, null);
  o.welcomed('v_1');
  assert.equal([...o.values()][0].user, 'v_1');
  const shared = new Outbox({ storage, key: KEY });
  shared.add('new', 'chat_1', 'typed after the reload');
  assert.deepEqual([...shared.values()].map((e) => e.cid), ['old', 'new']);
});

test('a welcome as another user sets the old user\'s sends aside and takes up the new user\'s', () => {
  const storage = new MemoryStorage();
  const o = new Outbox({ storage, key: KEY });
  o.welcomed('v_1');
  o.add('c1', 'chat_1', 'as v_1');
  const foreign = o.welcomed('v_2');
  assert.deepEqual(foreign.map((e) => e.cid), ['c1']);
  assert.equal(o.size, 0);
  o.add('c2', 'chat_2', 'as v_2');
  assert.deepEqual([...new Outbox({ storage, key: KEY }).values()].map((e) => e.cid), ['c2']);
  assert.equal(new Outbox({ storage, key: 'parley:test:other-site' }).size, 0, 'another site key sees nothing');
});

test('two tabs of one user keep each other\'s stored sends', () => {
  const storage = new MemoryStorage();
  const tab1 = new Outbox({ storage, key: KEY });
  tab1.welcomed('v_1');
  const tab2 = new Outbox({ storage, key: KEY });
  tab2.welcomed('v_1');
  tab1.add('a', 'chat_1', 'from tab 1');
  tab2.add('b', 'chat_1', 'from tab 2');
  tab1.remove('a');
  assert.deepEqual([...new Outbox({ storage, key: KEY }).values()].map((e) => e.cid), ['b']);
});

test('a storage that refuses writes leaves the outbox working in memory', () => {
  const storage = new MemoryStorage();
  storage.setItem = () => {
    throw new Error('QuotaExceededError');
  };
  const o = new Outbox({ storage, key: KEY });
  o.welcomed('v_1');
  o.add('c1', 'chat_1', 'kept in memory');
  assert.equal(o.size, 1);
});

test('after a reload a stored send waits for its conversation to be joined before it goes out', async () => {
  // A visitor's conversation is joined by the server some time after the welcome: a send before
  // that would be refused (not_joined) and lost.
  const storage = new MemoryStorage();
  storage.setItem(`${KEY}:user`, 'v_1');
  storage.setItem(`${KEY}:outbox:v_1`, JSON.stringify([{ cid: 'c-stored', conv: 'chat_1', text: 'typed offline' }]));
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { transports: ['websocket'], storage: { storage, key: KEY }, WebSocket, token: 't' });
  try {
    c.connect();
    await until(() => sockets[0]?.sent.length === 1, 10000, 'the hello');
    const ws = sockets[0];
    assert.equal(ws.sent[0].type, 'hello');
    ws.push({ type: 'welcome', session: 's', user: 'v_1', role: 'visitor', token: 't', heartbeatMs: 30000 });
    ws.push({ type: 'conversation', conv: 'chat_1', status: 'bot' });
    assert.deepEqual(ws.sent.map((f) => f.type), ['hello'], 'nothing sent before the join');
    ws.push({ type: 'joined', conv: 'chat_1', lastSeq: 3, from: 0, receipts: [], presence: [] });
    assert.deepEqual(ws.sent.slice(1).map((f) => [f.type, f.cid, f.text]), [['send', 'c-stored', 'typed offline']]);
    c.send('chat_1', 'typed now');
    assert.equal(ws.sent.at(-1).text, 'typed now', 'once joined, sends go out at once');
  } finally {
    c.close();
  }
});

test('a send refused rate_limited goes out again only after its retryAfterMs', async () => {
  const { c, ws, welcome } = await scriptedClient();
  try {
    welcome();
    ws.push({ type: 'joined', conv: 'chat_1', lastSeq: 0, from: 0, receipts: [], presence: [] });
    mock.timers.enable({ apis: ['setTimeout'] });
    c.send('chat_1', 'one too many').catch(() => {});
    const cid = ws.sent.at(-1).cid;
    ws.push({ type: 'error', code: 'rate_limited', cid, retry: true, retryAfterMs: 8000, message: 'slow down' });
    mock.timers.tick(7999);
    assert.equal(ws.sent.filter((f) => f.type === 'send').length, 1, 'not again before the wait is over');
    mock.timers.tick(501); // the wait and its jitter (under 500 ms)
    assert.deepEqual(ws.sent.filter((f) => f.type === 'send').map((f) => f.cid), [cid, cid], 'then again, same cid');
  } finally {
    mock.timers.reset();
    c.close();
  }
});

test('a longer retryAfterMs during a shorter hold extends the hold', async () => {
  const { c, ws, welcome } = await scriptedClient();
  try {
    welcome();
    ws.push({ type: 'joined', conv: 'chat_1', lastSeq: 0, from: 0, receipts: [], presence: [] });
    mock.timers.enable({ apis: ['setTimeout'] });
    c.send('chat_1', 'first').catch(() => {});
    c.send('chat_1', 'second').catch(() => {});
    const [a, b] = ws.sent.filter((f) => f.type === 'send').map((f) => f.cid);
    ws.push({ type: 'error', code: 'store_unavailable', cid: a, retry: true, message: 'not stored' });
    ws.push({ type: 'error', code: 'rate_limited', cid: b, retry: true, retryAfterMs: 8000, message: 'slow down' });
    mock.timers.tick(7999);
    assert.equal(ws.sent.filter((f) => f.type === 'send').length, 2, 'the 1 s hold gave way to the 8 s one');
    mock.timers.tick(501);
    assert.deepEqual(ws.sent.filter((f) => f.type === 'send').slice(2).map((f) => f.cid), [a, b], 'then both, in order');
  } finally {
    mock.timers.reset();
    c.close();
  }
});

test('a message sent offline survives a reload: the next client sends it, and it is stored once', T, async () => {
  const p = await proxy();
  const storage = new MemoryStorage();
  const room = 'room-reload-' + newCid();
  const persist = { storage, key: KEY + ':' + room };
  const first = client(p.url, { transports: ['websocket'], storage: persist });
  const reader = client(server(), { transports: ['websocket'] });
  const got = recorder(reader);
  try {
    const w = await first.connect();
    await reader.connect();
    first.join(room, 0);
    reader.join(room, 0);
    await first.send(room, 'before');
    p.refuse(true);
    p.cut();
    await until(() => first.state === 'reconnecting', 20000, 'offline');
    const cid = newCid();
    first.send(room, 'typed offline', { cid }).catch(() => {});
    first.close(); // the page goes away before the connection is back
    p.refuse(false);
    const second = client(p.url, { transports: ['websocket'], storage: persist, token: w.token });
    assert.deepEqual(second.pending().map((s) => s.cid), [cid], 'taken over before connecting');
    const outboxEvents = [];
    second.on('outbox', (list) => outboxEvents.push(list.length));
    try {
      second.join(room, 1);
      await second.connect();
      await until(() => second.pending().length === 0, 10000, 'the stored send acked');
      await until(() => got(room).length === 2, 10000, 'both at the reader');
      assert.deepEqual(got(room).map((m) => [m.text, m.cid ?? null]).slice(1), [['typed offline', cid]]);
      assert.equal(outboxEvents.at(-1), 0);
      assert.equal(storage.getItem(`${persist.key}:outbox:${w.user}`), null, 'nothing left in storage');
    } finally {
      second.close();
    }
  } finally {
    reader.close();
    p.close();
  }
});

test('a stored send the server already has (its ack was lost) is acked again, not stored twice', T, async () => {
  const storage = new MemoryStorage();
  const room = 'room-lost-ack-' + newCid();
  const persist = { storage, key: KEY + ':' + room };
  const first = client(server(), { transports: ['websocket'], storage: persist });
  try {
    const w = await first.connect();
    first.join(room, 0);
    const cid = newCid();
    const ack = await first.send(room, 'stored, ack lost', { cid });
    first.close();
    // as if the page had gone before the ack came: the entry is still in storage
    storage.setItem(`${persist.key}:outbox:${w.user}`, JSON.stringify([{ cid, conv: room, text: 'stored, ack lost' }]));
    const second = client(server(), { transports: ['websocket'], storage: persist, token: w.token });
    const acks = [];
    second.on('ack', (a) => acks.push(a));
    const got = recorder(second);
    try {
      second.join(room, 0);
      await second.connect();
      // acknowledged again: by the replay of its own message, or by the server's ack of the resend
      await until(() => second.pending().length === 0 && got(room).length >= 1, 10000, 'the ack again');
      assert.ok(acks.length >= 1);
      assert.ok(acks.every((a) => a.seq === ack.seq && a.id === ack.id), JSON.stringify(acks));
      second.send(room, 'next');
      await until(() => got(room).length === 2, 10000, 'the next message');
      assert.deepEqual(got(room).map((m) => m.seq), [1, 2], 'stored once');
    } finally {
      second.close();
    }
  } finally {
    first.close();
  }
});

// The hello in the upgrade request (docs/CLIENTS.md#identity, PROTOCOL.md#hello-in-the-url): a new
// visitor's WebSocket carries its hello in the URL and sends no hello frame; every other connect —
// a token, a reconnect, a refusal answered again — says hello in a frame, so no credential and no
// position ever goes in a URL. On a scripted WebSocket; the last test against the real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, server, until, client, scriptedWebSocket, countingWebSocket } from './helpers.mjs';

/** The query of scripted socket `ws`'s URL. @param {any} ws */
const query = (ws) => Object.fromEntries(new URL(ws.url).searchParams);

/** @param {string} [token] */
const welcome = (token) => ({ type: 'welcome', session: 's', user: 'v_1', role: 'visitor', token, heartbeatMs: 30000 });

test('a new visitor\'s hello goes in the WebSocket\'s URL and no hello frame is sent', async () => {
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { site: 'demo', lang: 'de', transports: ['websocket'], WebSocket });
  try {
    const connected = c.connect();
    await until(() => sockets[0]?.readyState === 1, 10000, 'the socket open');
    await new Promise((r) => setTimeout(r, 0)); // the open handled
    const ws = sockets[0];
    assert.deepEqual(query(ws), { site: 'demo', hello: '1', lang: 'de' });
    assert.deepEqual(ws.sent, [], 'no hello frame');
    assert.equal(c.state, 'connecting');

    ws.push(welcome('tok-1'));
    assert.equal((await connected).token, 'tok-1');
    assert.equal(c.state, 'connected');
    assert.equal(c.token, 'tok-1');
  } finally {
    c.close();
  }
});

test('a URL\'s hello refused as rate limited is said again in a frame', T, async () => {
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { site: 'demo', lang: 'de', transports: ['websocket'], WebSocket });
  try {
    const connected = c.connect();
    await until(() => sockets[0]?.readyState === 1, 10000, 'the socket open');
    await new Promise((r) => setTimeout(r, 0));
    const ws = sockets[0];
    ws.push({ type: 'error', code: 'rate_limited', message: 'too many new sessions', retryAfterMs: 0 });

    await until(() => ws.sent.length === 1, 5000, 'the hello frame');
    assert.deepEqual(ws.sent[0], { type: 'hello', v: 1, site: 'demo', lang: 'de' });
    ws.push(welcome('tok-1'));
    await connected;
    assert.equal(c.state, 'connected');
  } finally {
    c.close();
  }
});

test('a conversation joined while the URL\'s hello is on its way is joined after the welcome, from its position', T, async () => {
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { site: 'demo', transports: ['websocket'], WebSocket });
  try {
    const connected = c.connect();
    c.join('chat_saved', 3); // a page that kept the conversation and its position
    await until(() => sockets[0]?.readyState === 1, 10000, 'the socket open');
    await new Promise((r) => setTimeout(r, 0));
    const ws = sockets[0];
    assert.equal(query(ws).hello, '1');
    assert.deepEqual(ws.sent, []);

    ws.push(welcome('tok-1'));
    await connected;
    assert.deepEqual(ws.sent, [{ type: 'join', conv: 'chat_saved', after: 3 }]);
  } finally {
    c.close();
  }
});

test('a URL\'s hello left unanswered (a server of an earlier release) is said in a frame; a late already_hello is dropped', T, async () => {
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { site: 'demo', transports: ['websocket'], WebSocket });
  /** @type {any[]} */
  const errors = [];
  c.on('error', (e) => errors.push(e));
  try {
    const connected = c.connect();
    await until(() => sockets[0]?.readyState === 1, 10000, 'the socket open');
    const ws = sockets[0];
    await until(() => ws.sent.length === 1, 10000, 'the hello frame after the wait');
    assert.deepEqual(ws.sent[0], { type: 'hello', v: 1, site: 'demo' });

    ws.push(welcome('tok-1'));
    ws.push({ type: 'error', code: 'already_hello', message: 'hello was already accepted on this connection' });
    await connected;
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(c.state, 'connected');
    assert.deepEqual(errors, []);
  } finally {
    c.close();
  }
});

test('with a token, and on a reconnect after a welcome, the hello goes in a frame and never in the URL', T, async () => {
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { site: 'demo', transports: ['websocket'], WebSocket });
  try {
    const connected = c.connect();
    await until(() => sockets[0]?.readyState === 1, 10000, 'the socket open');
    sockets[0].push(welcome('tok-1'));
    await connected;

    sockets[0].onclose?.({ code: 1006, reason: 'network' }); // the connection drops
    await until(() => sockets[1]?.sent.length === 1, 10000, 'the hello of the reconnect');
    assert.deepEqual(query(sockets[1]), { site: 'demo' }, 'no hello, no token in the URL');
    assert.equal(sockets[1].sent[0].type, 'hello');
    assert.equal(sockets[1].sent[0].token, 'tok-1');
  } finally {
    c.close();
  }

  const withToken = client('http://127.0.0.1:1', { transports: ['websocket'], WebSocket, token: 'tok-2' });
  try {
    withToken.connect();
    await until(() => sockets[2]?.sent.length === 1, 10000, 'the hello');
    assert.deepEqual(query(sockets[2]), {});
    assert.equal(sockets[2].sent[0].token, 'tok-2');
  } finally {
    withToken.close();
  }
});

test('a new visitor is welcomed by the server without a hello frame, in its language', T, async () => {
  const { WebSocket, counts } = countingWebSocket();
  const c = client(server(), { site: 'demo', lang: 'fr', transports: ['websocket'], WebSocket });
  try {
    const w = await c.connect();
    assert.equal(/** @type {any} */ (w).lang, 'fr');
    assert.ok(w.token, 'a new visitor\'s token');
    assert.equal(counts.frames.filter((f) => JSON.parse(f).type === 'hello').length, 0);
  } finally {
    c.close();
  }
});

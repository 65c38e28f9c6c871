// Leaving while a join is unanswered (docs/CLIENTS.md#subscriptions): the server answers the join,
// then the leave, in order; the `joined` on its way when the app left is not taken up, so the
// position stays forgotten and a reconnect does not join the conversation again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until, client, scriptedWebSocket } from './helpers.mjs';

test('a joined that answers a join made before a leave is not taken up', async () => {
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { transports: ['websocket'], WebSocket, token: 't' });
  /** @type {string[]} */
  const events = [];
  c.on('joined', (j) => events.push('joined ' + j.conv));
  c.on('left', (l) => events.push('left ' + l.conv));
  try {
    c.connect();
    await until(() => sockets[0]?.sent.length === 1, 2000, 'the hello');
    const ws = sockets[0];
    ws.push({ type: 'welcome', session: 's', user: 'u_1', role: 'user', token: 't', heartbeatMs: 30000 });
    c.join('news:a', 0);
    c.leave('news:a');
    assert.deepEqual(ws.sent.slice(1).map((f) => [f.type, f.conv]), [['join', 'news:a'], ['leave', 'news:a']]);
    ws.push({ type: 'joined', conv: 'news:a', lastSeq: 4, from: 0, receipts: [], presence: [] });
    ws.push({ type: 'message', conv: 'news:a', seq: 1, id: 'm1', from: 'x', kind: 'text', text: 'late', ts: 0 });
    ws.push({ type: 'left', conv: 'news:a' });
    assert.deepEqual(events, ['left news:a'], 'the late joined is not the app\'s news');
    assert.equal(c.position('news:a'), -1, 'still forgotten');

    c.join('news:a', 0); // joined again: its answer is taken up
    ws.push({ type: 'joined', conv: 'news:a', lastSeq: 4, from: 0, receipts: [], presence: [] });
    assert.deepEqual(events, ['left news:a', 'joined news:a']);
  } finally {
    c.close();
  }
});

test('leaving twice while both joins are unanswered takes up neither joined', async () => {
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { transports: ['websocket'], WebSocket, token: 't' });
  try {
    c.connect();
    await until(() => sockets[0]?.sent.length === 1, 2000, 'the hello');
    const ws = sockets[0];
    ws.push({ type: 'welcome', session: 's', user: 'u_1', role: 'user', token: 't', heartbeatMs: 30000 });
    c.join('news:a', 0); // an agent flicking to a conversation and away, twice
    c.leave('news:a');
    c.join('news:a', 0);
    c.leave('news:a');
    for (let i = 0; i < 2; i++) {
      ws.push({ type: 'joined', conv: 'news:a', lastSeq: 4, from: 0, receipts: [], presence: [] });
      ws.push({ type: 'left', conv: 'news:a' });
    }
    assert.equal(c.position('news:a'), -1, 'the second joined is not taken up either');
  } finally {
    c.close();
  }
});

test('a leave while the hello is on its way goes out after the welcome, and the resume is not taken up', async () => {
  const { WebSocket, sockets } = scriptedWebSocket();
  const c = client('http://127.0.0.1:1', { transports: ['websocket'], WebSocket, token: 't' });
  try {
    c.join('news:a', 3); // held: the hello resumes it
    c.connect();
    await until(() => sockets[0]?.sent.length === 1, 2000, 'the hello');
    const ws = sockets[0];
    c.leave('news:a'); // before the welcome
    assert.deepEqual(ws.sent.map((f) => f.type), ['hello'], 'not written before the welcome');
    ws.push({ type: 'welcome', session: 's', user: 'u_1', role: 'user', token: 't', heartbeatMs: 30000 });
    assert.deepEqual(ws.sent.slice(1).map((f) => [f.type, f.conv]), [['leave', 'news:a']]);
    ws.push({ type: 'joined', conv: 'news:a', lastSeq: 4, from: 3, receipts: [], presence: [] }); // the resume's
    ws.push({ type: 'left', conv: 'news:a' });
    assert.equal(c.position('news:a'), -1, 'the resumed joined is not taken up');
  } finally {
    c.close();
  }
});

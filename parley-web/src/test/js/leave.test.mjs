// Leaving while a join is unanswered (docs/CLIENTS.md#subscriptions): the server answers the join,
// then the leave, in order; a `joined` on its way when the app left is not taken up, so the
// position stays forgotten and a reconnect does not join the conversation again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scriptedClient } from './helpers.mjs';

/** @param {any} ws @param {string} conv @param {number} from */
const joined = (ws, conv, from = 0) => ws.push({ type: 'joined', conv, lastSeq: 4, from, receipts: [], presence: [] });

test('a joined that answers a join made before a leave is not taken up', async () => {
  const { c, ws, welcome } = await scriptedClient({ user: 'u_1', role: 'user' });
  /** @type {string[]} */
  const events = [];
  c.on('joined', (j) => events.push('joined ' + j.conv));
  c.on('left', (l) => events.push('left ' + l.conv));
  try {
    welcome();
    c.join('news:a', 0);
    c.leave('news:a');
    assert.deepEqual(ws.sent.slice(1).map((f) => [f.type, f.conv]), [['join', 'news:a'], ['leave', 'news:a']]);
    joined(ws, 'news:a');
    ws.push({ type: 'message', conv: 'news:a', seq: 1, id: 'm1', from: 'x', kind: 'text', text: 'late', ts: 0 });
    ws.push({ type: 'left', conv: 'news:a' });
    assert.deepEqual(events, ['left news:a'], 'the late joined is not the app\'s news');
    assert.equal(c.position('news:a'), -1, 'still forgotten');

    c.join('news:a', 0); // joined again: its answer is taken up
    joined(ws, 'news:a');
    assert.deepEqual(events, ['left news:a', 'joined news:a']);
  } finally {
    c.close();
  }
});

test('leaving twice while both joins are unanswered takes up neither joined', async () => {
  const { c, ws, welcome } = await scriptedClient({ user: 'u_1', role: 'user' });
  try {
    welcome();
    c.join('news:a', 0); // an agent flicking to a conversation and away, twice
    c.leave('news:a');
    c.join('news:a', 0);
    c.leave('news:a');
    for (let i = 0; i < 2; i++) {
      joined(ws, 'news:a');
      ws.push({ type: 'left', conv: 'news:a' });
    }
    assert.equal(c.position('news:a'), -1, 'the second joined is not taken up either');
  } finally {
    c.close();
  }
});

test('a leave while the hello is on its way goes out after the welcome, and the resume is not taken up', async () => {
  const { c, ws, welcome } = await scriptedClient({ user: 'u_1', role: 'user' });
  try {
    c.join('news:a', 3); // held while connecting: the welcome joins it
    c.leave('news:a'); // before the welcome
    assert.deepEqual(ws.sent.map((f) => f.type), ['hello'], 'not written before the welcome');
    welcome();
    assert.deepEqual(ws.sent.slice(1).map((f) => [f.type, f.conv]), [['leave', 'news:a']]);
    joined(ws, 'news:a', 3); // the answer to a resume the hello carried
    ws.push({ type: 'left', conv: 'news:a' });
    assert.equal(c.position('news:a'), -1, 'the resumed joined is not taken up');
  } finally {
    c.close();
  }
});

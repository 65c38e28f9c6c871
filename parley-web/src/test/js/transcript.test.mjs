// The transcript model (sdk/transcript.js) on its own: no server, no DOM. Run with Node's test
// runner (JsSdkTest runs every file in this folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transcript } from '../../main/resources/parley-web/sdk/transcript.js';
import { webUrl } from '../../main/resources/parley-web/sdk/dom.js';

const CONV = 'chat_1';
const ME = 'v_me';

/** @returns {{t: Transcript, changes: {old: any, state: any}[]}} */
function transcript() {
  const t = new Transcript({ conv: CONV, me: ME });
  const changes = [];
  t.on('change', (c) => changes.push(c));
  return { t, changes };
}

function msg(seq, from, text, extra = {}) {
  return { conv: CONV, seq, id: `m${seq}`, from, kind: from === 'bot' ? 'bot' : 'text', text, ts: seq, ...extra };
}

const texts = (t) => t.state.items.map((i) => i.text);

test('messages are ordered by seq whatever order they arrive in, and a duplicate changes nothing', () => {
  const { t, changes } = transcript();
  t.message(msg(2, 'bot', 'two'));
  t.message(msg(1, 'bot', 'one'));
  t.message(msg(3, 'bot', 'three'));
  assert.deepEqual(texts(t), ['one', 'two', 'three']);
  const before = changes.length;
  t.message(msg(2, 'bot', 'two again'));
  assert.equal(changes.length, before, 'no change for a duplicate');
  assert.equal(t.state.lastSeq, 3);
});

test('every change carries the old and the new state; unchanged items keep their identity', () => {
  const { t, changes } = transcript();
  t.message(msg(1, 'bot', 'hello'));
  t.message(msg(2, 'bot', 'again'));
  const last = changes.at(-1);
  assert.equal(last.old.items.length, 1);
  assert.equal(last.state.items.length, 2);
  assert.equal(last.state.items[0], last.old.items[0], 'the first item is the same object');
  assert.equal(t.state, last.state);
});

test('a streamed answer grows by offset, skips what it holds, and its stored message replaces it in place', () => {
  const { t } = transcript();
  t.message(msg(1, ME, 'question?'));
  t.answer({ conv: CONV, id: 'a1', phase: 'start' });
  assert.equal(t.state.streaming, 'a1');
  t.answer({ conv: CONV, id: 'a1', phase: 'delta', offset: 0, text: 'Clone the ' });
  t.answer({ conv: CONV, id: 'a1', phase: 'delta', offset: 10, text: 'repository' });
  // a snapshot after a reconnect overlaps what is held: nothing doubles
  t.answer({ conv: CONV, id: 'a1', phase: 'delta', offset: 0, text: 'Clone the repo' });
  const streaming = t.state.items.at(-1);
  assert.equal(streaming.text, 'Clone the repository');
  assert.equal(streaming.streaming, true);
  assert.equal(streaming.seq, null);
  t.message({ conv: CONV, seq: 2, id: 'a1', from: 'bot', kind: 'bot', text: 'Clone the repository and run it.' });
  const stored = t.state.items.at(-1);
  assert.equal(stored.key, streaming.key, 'the same line');
  assert.equal(stored.text, 'Clone the repository and run it.');
  assert.equal(stored.streaming, false);
  assert.equal(t.state.items.length, 2);
  t.answer({ conv: CONV, id: 'a1', phase: 'end', status: 'complete' });
  assert.equal(t.state.streaming, null);
  assert.equal(t.state.items.length, 2, 'an end after the stored message adds nothing');
});

test('an answer\'s stored message brings the sources it cites; other lines cite none', () => {
  const { t, changes } = transcript();
  t.message(msg(1, ME, 'price?'));
  t.answer({ conv: CONV, id: 'a1', phase: 'start' });
  t.answer({ conv: CONV, id: 'a1', phase: 'delta', offset: 0, text: 'From 9 euros.' });
  assert.deepEqual(t.state.items.at(-1).sources, [], 'none while it streams');
  const sources = [{ title: 'Pricing', url: 'https://shop.example/pricing' }, { title: 'terms.pdf' }];
  t.message({ ...msg(2, 'bot', 'From 9 euros.'), id: 'a1', meta: { sources, future: { x: 1 } } });
  assert.equal(t.state.items.at(-1).key, 'm:a1', 'in place of the streamed answer');
  assert.deepEqual(t.state.items.at(-1).sources, sources);
  assert.deepEqual(t.state.items[0].sources, []);
  const before = changes.at(-1).state.items[0];
  t.message(msg(3, 'bot', 'more'));
  assert.equal(t.state.items[0], before, 'an item without sources keeps its identity');
});

test('only absolute http and https addresses become links', () => {
  assert.equal(webUrl('https://x.example/a?b=1'), 'https://x.example/a?b=1');
  assert.equal(webUrl('http://x.example'), 'http://x.example/');
  for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<b>', '/relative', 'x', '', undefined]) {
    assert.equal(webUrl(bad), null, String(bad));
  }
});

test('an answer that ends before its message stops streaming and keeps its text', () => {
  const { t } = transcript();
  t.answer({ conv: CONV, id: 'a1', phase: 'delta', offset: 0, text: 'So far' });
  t.answer({ conv: CONV, id: 'a1', phase: 'end', status: 'stopped' });
  assert.equal(t.state.streaming, null);
  assert.deepEqual(texts(t), ['So far']);
  assert.equal(t.state.items[0].streaming, false);
});

test('my send is pending, then sent at its ack, then delivered and read by the others\' receipts', () => {
  const { t } = transcript();
  t.message(msg(1, 'bot', 'hi'));
  t.outbox([{ cid: 'c1', conv: CONV, text: 'mine' }, { cid: 'c9', conv: 'other', text: 'elsewhere' }]);
  const pending = t.state.items.at(-1);
  assert.deepEqual([pending.text, pending.tick, pending.mine, pending.key], ['mine', 'pending', true, 'c:c1']);
  assert.equal(t.state.items.length, 2, 'another conversation\'s send is not shown');
  t.ack({ cid: 'c1', conv: CONV, seq: 2, id: 'm2' });
  t.outbox([]);
  assert.equal(t.state.items.at(-1).tick, 'sent');
  assert.equal(t.state.items.at(-1).seq, 2);
  t.message(msg(2, ME, 'mine', { cid: 'c1' }));
  assert.equal(t.state.items.length, 2);
  assert.equal(t.state.items.at(-1).key, 'c:c1', 'the pending line became the stored one');
  t.receipt({ conv: CONV, user: 'agent', kind: 'delivered', seq: 2 });
  assert.equal(t.state.items.at(-1).tick, 'delivered');
  t.receipt({ conv: CONV, user: 'agent', kind: 'read', seq: 2 });
  assert.equal(t.state.items.at(-1).tick, 'read');
  assert.equal(t.state.items[0].tick, null, 'others\' messages have no tick');
});

test('my own message arriving before its ack settles the pending line without doubling it', () => {
  const { t } = transcript();
  t.outbox([{ cid: 'c1', conv: CONV, text: 'mine' }]);
  t.message(msg(1, ME, 'mine', { cid: 'c1' }));
  t.ack({ cid: 'c1', conv: CONV, seq: 1, id: 'm1' });
  t.outbox([]);
  assert.deepEqual(t.state.items.map((i) => [i.key, i.tick]), [['c:c1', 'sent']]);
});

test('pending sends stay after the stored messages, in the order typed, even as new messages arrive', () => {
  const { t } = transcript();
  t.outbox([{ cid: 'a', conv: CONV, text: 'first' }, { cid: 'b', conv: CONV, text: 'second' }]);
  t.message(msg(1, 'agent', 'meanwhile'));
  assert.deepEqual(texts(t), ['meanwhile', 'first', 'second']);
});

test('a send that failed for good stays shown, marked failed with the reason', () => {
  const { t } = transcript();
  t.outbox([{ cid: 'c1', conv: CONV, text: 'too much' }]);
  t.failed({ cid: 'c1', conv: CONV, text: 'too much', error: new Error('text too long') });
  t.outbox([]);
  const item = t.state.items.at(-1);
  assert.deepEqual([item.tick, item.error], ['failed', 'text too long']);
});

test('unread counts only the others\' messages after what I have read, on any connection', () => {
  const { t } = transcript();
  // after a reload, joined.receipts says what this visitor had read before
  t.joined({ conv: CONV, lastSeq: 4, from: 0, receipts: [{ conv: CONV, user: ME, kind: 'read', seq: 3 }] });
  t.message(msg(1, 'bot', 'greeting'));
  t.message(msg(2, ME, 'question'));
  t.message(msg(3, 'bot', 'answer'));
  t.message({ conv: CONV, seq: 4, id: 'm4', from: 'system', kind: 'system', text: 'Maya joined.' });
  assert.equal(t.state.unread, 0, 'read before the reload; a system note does not count');
  t.message(msg(5, 'agent', 'Hello!'));
  t.message(msg(6, 'agent', 'Still there?'));
  assert.equal(t.state.unread, 2);
  t.read(6);
  assert.equal(t.state.unread, 0);
  t.receipt({ conv: CONV, user: ME, kind: 'read', seq: 7 });
  t.message(msg(7, 'agent', 'read on another tab'));
  assert.equal(t.state.unread, 0);
});

test('events of other conversations are ignored; reset shows another conversation from scratch', () => {
  const { t } = transcript();
  t.message({ ...msg(1, 'bot', 'elsewhere'), conv: 'chat_2' });
  t.answer({ conv: 'chat_2', id: 'x', phase: 'delta', offset: 0, text: 'x' });
  t.receipt({ conv: 'chat_2', user: 'a', kind: 'read', seq: 9 });
  assert.equal(t.state.items.length, 0);
  assert.equal(t.state.othersRead, 0);
  t.message(msg(1, 'bot', 'here'));
  t.reset('chat_2');
  assert.equal(t.state.conv, 'chat_2');
  assert.equal(t.state.items.length, 0);
  t.message({ ...msg(1, 'bot', 'now here'), conv: 'chat_2' });
  assert.deepEqual(texts(t), ['now here']);
});

test('follow feeds the transcript from a client\'s events and stops when asked', async () => {
  const { Emitter } = await import('../../main/resources/parley-web/sdk/emitter.js');
  const client = new Emitter();
  client.user = ME;
  client.pending = () => [{ cid: 'c0', conv: CONV, text: 'typed before' }];
  const { t } = transcript();
  const stop = t.follow(client);
  assert.deepEqual(texts(t), ['typed before']);
  client.emit('message', msg(1, 'bot', 'hi'));
  client.emit('answer', { conv: CONV, id: 'a', phase: 'delta', offset: 0, text: 'streaming' });
  assert.deepEqual(texts(t), ['hi', 'streaming', 'typed before']);
  stop();
  client.emit('message', msg(2, 'bot', 'not seen'));
  assert.equal(t.state.items.length, 3);
});
